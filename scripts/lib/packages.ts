/** What `npm run setup` installs from Debian/Ubuntu, and how, kept apart from the script so selftest can read it. */
export const DEBIAN_PACKAGES = [
  'runc',
  'busybox-static',
  'iproute2',
  'iputils-ping',
  'jq',
  'iptables',
  'containernetworking-plugins',
  'util-linux',
  'coreutils',
  // sysctl and ps: grading's selftest snapshots the machine with them.
  'procps',
] as const;

/**
 * Docker's own `containerd.io` package ships /usr/bin/runc and conflicts with the distribution's
 * `runc` (GitHub's ubuntu runners have it): installing `runc` there would remove Docker. Where
 * containerd.io is installed its runc is the one under test.
 */
export function packagesToInstall(containerdIoInstalled: boolean): string[] {
  return DEBIAN_PACKAGES.filter((p) => !(containerdIoInstalled && p === 'runc'));
}

/** `--no-remove`: apt aborts instead of removing anything (Docker, containerd) to satisfy a conflict. */
export function aptInstallArgv(packages: readonly string[]): string[] {
  return ['apt-get', 'install', '-y', '--no-install-recommends', '--no-remove', ...packages];
}
