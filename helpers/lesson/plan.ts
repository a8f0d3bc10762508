import { BadInputError } from '../errors.js';
import { formatCidr, parseCidr, sameSubnet, type Cidr } from '../net/cidr.js';
import { validateIfName, validateNetnsName } from '../net/names.js';

/** The names and addresses one exercise uses. */
export interface LabPlan {
  readonly netns: string;
  readonly netnsPath: string;
  readonly hostVeth: string;
  readonly nsVeth: string;
  readonly hostCidr: Cidr;
  readonly nsCidr: Cidr;
  readonly bundleDir: string;
  readonly containerId: string;
  /** Exercise 4's second bundle and container. */
  readonly newBundleDir: string;
  readonly newContainerId: string;
}

/** The lesson's exact values; `home` is what `~` means on the target. */
export function lessonPlan(home: string): LabPlan {
  return validatePlan({
    netns: 'container-net',
    netnsPath: '/var/run/netns/container-net',
    hostVeth: 'veth-host',
    nsVeth: 'veth-container',
    hostCidr: parseCidr('10.0.0.1/24'),
    nsCidr: parseCidr('10.0.0.2/24'),
    bundleDir: `${home}/oci-netns-test`,
    containerId: 'netns-test',
    newBundleDir: `${home}/oci-newnetns-test`,
    newContainerId: 'newnetns-test',
  });
}

export function validatePlan(plan: LabPlan): LabPlan {
  validateNetnsName(plan.netns);
  validateIfName(plan.hostVeth, 'host veth name');
  validateIfName(plan.nsVeth, 'namespace veth name');
  if (plan.hostVeth === plan.nsVeth) throw new BadInputError('the two veth ends need different names');
  if (!sameSubnet(plan.hostCidr, plan.nsCidr))
    throw new BadInputError(`${formatCidr(plan.hostCidr)} and ${formatCidr(plan.nsCidr)} are not on one subnet`);
  return plan;
}
