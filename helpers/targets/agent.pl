# The lab container's command channel: one long-lived `docker exec -i … perl -e` per container.
# perl-base is Essential in every Debian image, so the lab image needs nothing extra, and the
# program travels in argv, so it can never be stale in an image built earlier.
#
# Requests on stdin, one header line then a payload of `<len>:<bytes>` fields:
#   X id flags nenv nargv paylen   run argv (env fields first, then the optional fields the
#                                  flags announce, then input if flags&4)
#                                  flags: 1 discard output, 2 new session, 4 has input,
#                                  8 an output cap field (bytes kept of stdout and of stderr),
#                                  16 a "uid gid" field (-1: unchanged), as nsenter --setuid/--setgid
#   T id 0 0 0 0                   the caller's timeout for X id expired (or P id must end): SIGKILL it
#   P id 0 0 nargv paylen          start argv with its stdin and stdout relayed (a sandbox's own
#                                  agent, started here): answered "pid", then "data" answers
#                                  carrying its stdout as it comes, then exit|signal with its stderr
#   W id eof 0 0 paylen            bytes for P id's stdin; eof 1: close it once they are written
#   F id 0 0 nfields paylen        a file operation the agent does itself, no process: fields
#                                  "read" path | "write" path (the rest of the payload is the
#                                  bytes) | "chmod" path octal-mode | "remove" path; answered as
#                                  exit 0 (read: the bytes as stdout) or exit 1 with
#                                  "<path>: <error>" as stderr. Regular files only: a FIFO or a
#                                  device would block the loop every sandbox command goes through.
#                                  Also "mount" dir fstype source options syscall-number (mount(2),
#                                  no flags; the caller knows its architecture's number) and
#                                  "up" interface (SIOCGIFFLAGS, then SIOCSIFFLAGS with IFF_UP):
#                                  a new sandbox's private directories and loopback.
#                                  Queries the harness asks of paths, links followed as stat(2)
#                                  follows them: "exists" path (exit 0 or 1, as test -e),
#                                  "inode" path (its inode, as stat -L -c %i), "readlink" path (a
#                                  link's text, as readlink), and "mkdir" path (with its parents, as
#                                  mkdir -p).
#                                  "netread" file netns syscall-number: the file read in the
#                                  network namespace netns names (setns(2) there and back, as
#                                  nsenter --net=netns cat file; /proc/net follows the reader's).
# Answers on stdout: "R id kind value outlen errlen outcut errcut\n" + stdout bytes + stderr bytes,
# where kind is exit|signal|timeout|spawn (value: exit code, signal number, 0, errno), pid, killed
# or ready, and outcut/errcut count the bytes an output cap read and dropped.
# When stdin closes (the harness went away) every process started here is killed.
use strict;
use warnings;
use Errno ();
use Fcntl qw(F_GETFL F_SETFL O_NONBLOCK O_RDONLY O_WRONLY O_CREAT O_TRUNC O_NOCTTY);

# Not loaded: POSIX (a tenth of the agent's start-up, once per sandbox). The caller passes the
# syscall numbers of its architecture as name=number arguments (setsid=112 on x86_64); without
# one, the agent loads POSIX where it needs it.
my %SYSCALL = map { /\A(\w+)=(\d+)\z/ ? ($1, $2) : () } @ARGV;
$SIG{PIPE} = 'IGNORE';
pipe(my $sigr, my $sigw) or die "pipe: $!";
nonblocking($_) for $sigr, $sigw;
# Exits wake select through this pipe (and a 100 ms backstop covers the signal arriving just before it).
$SIG{CHLD} = sub { syswrite($sigw, 'x') };
binmode STDIN;
binmode STDOUT;

my %jobs;       # id -> running X request
my %byfd;       # fileno -> [job, 'out'|'err'|'in']
my %pidjob;     # pid -> job

sub nonblocking { my $fh = shift; fcntl($fh, F_SETFL, fcntl($fh, F_GETFL, 0) | O_NONBLOCK) }

sub reply {
  my ($id, $kind, $value, $out, $err, $outcut, $errcut) = @_;
  $out //= '';
  $err //= '';
  my $s = "R $id $kind $value " . length($out) . ' ' . length($err) . ' ' . ($outcut // 0) . ' ' . ($errcut // 0) . "\n" . $out . $err;
  while (length $s) {
    my $n = syswrite(STDOUT, $s);
    if (!defined $n) { next if $!{EINTR} || $!{EAGAIN}; exit 0 }
    substr($s, 0, $n, '');
  }
}

sub fields {
  my ($payload, $count) = @_;
  my @out;
  for (1 .. $count) {
    $payload =~ s/\A(\d+)://s or die "bad field";
    push @out, substr($payload, 0, $1, '');
  }
  return (\@out, $payload);
}

# fork + exec with the given stdio; the exec error (errno) comes back on a close-on-exec pipe.
sub start {
  my ($argv, $env, $stdin, $stdout, $stderr, $setsid, $uid, $gid) = @_;
  pipe(my $exr, my $exw) or return (undef, $! + 0, "pipe: $!");
  my $pid = fork;
  return (undef, $! + 0, "fork: $!") unless defined $pid;
  if ($pid == 0) {
    $SIG{PIPE} = 'DEFAULT';
    $SIG{CHLD} = 'DEFAULT';
    if ($setsid) {
      if (defined $SYSCALL{setsid}) { syscall($SYSCALL{setsid} + 0) >= 0 or fail_child($exw, 'setsid') }
      else { require POSIX; POSIX::setsid() }
    }
    # Onto fds 0-2 (perl keeps a standard handle's fd when it reopens it).
    open(STDIN, '<&', $stdin) or fail_child($exw, 'dup stdin');
    open(STDOUT, '>&', $stdout) or fail_child($exw, 'dup stdout');
    open(STDERR, '>&', $stderr) or fail_child($exw, 'dup stderr');
    @ENV{ keys %$env } = values %$env;
    # nsenter's order: supplementary groups reduced to the new gid, then the gid, then the uid.
    # Only grading switches users: POSIX's setgid and setuid set the real, effective and saved ids at once.
    require POSIX if (defined $gid && $gid >= 0) || (defined $uid && $uid >= 0);
    if (defined $gid && $gid >= 0) {
      $) = "$gid $gid";
      POSIX::setgid($gid) or fail_child($exw, "setgid $gid");
    }
    if (defined $uid && $uid >= 0) { POSIX::setuid($uid) or fail_child($exw, "setuid $uid") }
    { no warnings 'exec'; exec { $argv->[0] } @$argv; }
    fail_child($exw, $argv->[0]);
  }
  close $exw;
  my $failed = '';
  1 while (sysread($exr, $failed, 512, length $failed) // ($!{EINTR} ? 1 : 0)) > 0;
  close $exr;
  if ($failed =~ /\A(\d+) (.*)\z/s) {
    waitpid($pid, 0);
    return (undef, $1, $2);
  }
  return ($pid);
}

# In a forked child before exec: the errno and what failed go back to start(), then exit.
sub fail_child {
  my ($exw, $what) = @_;
  syswrite($exw, ($! + 0) . " $!: $what");
  # _exit: no destructor or buffer of the agent's runs twice in this copy of it.
  require POSIX;
  POSIX::_exit(127);
}

sub devnull { open(my $fh, '+<', '/dev/null') or die "/dev/null: $!"; return $fh }

sub run_exec {
  my ($id, $flags, $nenv, $nargv, $payload) = @_;
  my ($f, $rest) = fields($payload, $nenv + $nargv + ($flags & 8 ? 1 : 0) + ($flags & 16 ? 1 : 0));
  my %env = map { /\A([^=]*)=(.*)\z/s ? ($1, $2) : () } @$f[0 .. $nenv - 1];
  my @argv = @$f[$nenv .. $nenv + $nargv - 1];
  my @extra = @$f[$nenv + $nargv .. $#$f];
  my $cap = $flags & 8 ? shift(@extra) + 0 : undef;
  my ($uid, $gid) = $flags & 16 ? split(/ /, shift @extra) : (-1, -1);
  my $null = devnull();
  my ($inr, $inw, $outr, $outw, $errr, $errw);
  if ($flags & 4) { pipe($inr, $inw) or return reply($id, 'spawn', $! + 0, '', "pipe: $!") }
  unless ($flags & 1) {
    pipe($outr, $outw) or return reply($id, 'spawn', $! + 0, '', "pipe: $!");
    pipe($errr, $errw) or return reply($id, 'spawn', $! + 0, '', "pipe: $!");
  }
  my ($pid, $errno, $why) = start(\@argv, \%env, $inr // $null, $outw // $null, $errw // $null, $flags & 2, $uid, $gid);
  close $_ for grep { defined } $inr, $outw, $errw;
  if (!defined $pid) {
    close $_ for grep { defined } $inw, $outr, $errr;
    return reply($id, 'spawn', $errno, '', $why);
  }
  my $job = { id => $id, pid => $pid, setsid => ($flags & 2 ? 1 : 0), out => '', err => '', cut_out => 0, cut_err => 0, cap => $cap, inbuf => $rest, open => 0 };
  $jobs{$id} = $job;
  $pidjob{$pid} = $job;
  for ([$outr, 'out'], [$errr, 'err'], [$inw, 'in']) {
    my ($fh, $what) = @$_;
    next unless defined $fh;
    nonblocking($fh);
    $job->{"fh_$what"} = $fh;
    $byfd{ fileno $fh } = [$job, $what];
    $job->{open}++ unless $what eq 'in';
  }
  write_input($job) if $inw;
}

sub close_fh {
  my ($job, $what) = @_;
  my $fh = delete $job->{"fh_$what"} or return;
  delete $byfd{ fileno $fh };
  close $fh;
  $job->{open}-- unless $what eq 'in';
}

sub write_input {
  my $job = shift;
  my $fh = $job->{fh_in} or return;
  while (length $job->{inbuf}) {
    my $n = syswrite($fh, $job->{inbuf});
    if (!defined $n) {
      return if $!{EAGAIN} || $!{EINTR};
      $job->{inbuf} = '';    # EPIPE: the process does not read its stdin
      return close_fh($job, 'in');
    }
    substr($job->{inbuf}, 0, $n, '');
  }
  # A relayed process's stdin stays open for more (W) until the caller ends it.
  close_fh($job, 'in') unless $job->{stream} && !$job->{eof};
}

# P: a process whose stdout is relayed as it comes (its stderr, capped, comes with its exit).
sub run_pipe {
  my ($id, $nargv, $payload) = @_;
  my ($argv) = fields($payload, $nargv);
  my ($inr, $inw, $outr, $outw, $errr, $errw);
  (pipe($inr, $inw) && pipe($outr, $outw) && pipe($errr, $errw)) or return reply($id, 'spawn', $! + 0, '', "pipe: $!");
  my ($pid, $errno, $why) = start($argv, {}, $inr, $outw, $errw, 0);
  close $_ for $inr, $outw, $errw;
  if (!defined $pid) {
    close $_ for $inw, $outr, $errr;
    return reply($id, 'spawn', $errno, '', $why);
  }
  my $job = { id => $id, pid => $pid, setsid => 0, out => '', err => '', cut_out => 0, cut_err => 0, cap => 65536, inbuf => '', open => 0, stream => 1 };
  $jobs{$id} = $job;
  $pidjob{$pid} = $job;
  for ([$outr, 'out'], [$errr, 'err'], [$inw, 'in']) {
    my ($fh, $what) = @$_;
    nonblocking($fh);
    $job->{"fh_$what"} = $fh;
    $byfd{ fileno $fh } = [$job, $what];
    $job->{open}++ unless $what eq 'in';
  }
  reply($id, 'pid', $pid);
}

sub read_output {
  my ($job, $what) = @_;
  if ($job->{stream} && $what eq 'out') {
    my $n = sysread($job->{fh_out}, my $chunk, 65536);
    return if !defined $n && ($!{EAGAIN} || $!{EINTR});
    return $n ? reply($job->{id}, 'data', 0, $chunk, '') : close_fh($job, 'out');
  }
  my $n = sysread($job->{"fh_$what"}, $job->{$what}, 65536, length $job->{$what});
  return if !defined $n && ($!{EAGAIN} || $!{EINTR});
  # A cap keeps the first bytes and counts the rest: a flood neither blocks the process nor fills memory.
  my $cap = $job->{cap};
  if (defined $cap && length($job->{$what}) > $cap) {
    $job->{"cut_$what"} += length($job->{$what}) - $cap;
    substr($job->{$what}, $cap) = '';
  }
  close_fh($job, $what) unless $n;
}

sub finish {
  my $job = shift;
  close_fh($job, 'in');
  delete $jobs{ $job->{id} };
  delete $pidjob{ $job->{pid} };
  my $st = $job->{status};
  my ($kind, $value) = $job->{timedout} ? ('timeout', 0) : ($st & 127) ? ('signal', $st & 127) : ('exit', $st >> 8);
  reply($job->{id}, $kind, $value, $job->{out}, $job->{err}, $job->{cut_out}, $job->{cut_err});
}

sub file_op {
  my ($id, $nfields, $payload) = @_;
  my ($f, $data) = fields($payload, $nfields);
  my ($op, $path, $mode) = @$f;
  my $fail = sub { reply($id, 'exit', 1, '', "$path: $_[0]\n") };
  if ($op eq 'mount') {
    my ($fstype, $source, $options, $nr) = @$f[2 .. 5];
    return syscall($nr + 0, $source, $path, $fstype, 0, $options) == 0 ? reply($id, 'exit', 0) : $fail->("$!");
  }
  if ($op eq 'up') {
    # struct ifreq: the name in 16 bytes, then ifr_flags (a short) at the start of a 24-byte union.
    socket(my $sock, 2, 2, 0) or return $fail->("socket: $!");
    my $ifr = pack('a16 x24', $path);
    ioctl($sock, 0x8913, $ifr) or return $fail->("SIOCGIFFLAGS: $!");
    my $flags = unpack('x16 s', $ifr) | 1;
    $ifr = pack('a16 s x22', $path, $flags);
    return ioctl($sock, 0x8914, $ifr) ? reply($id, 'exit', 0) : $fail->("SIOCSIFFLAGS: $!");
  }
  if ($op eq 'remove') {
    return reply($id, 'exit', 0) if unlink($path) || $!{ENOENT};
    return $fail->("$!");
  }
  if ($op eq 'chmod') { return chmod(oct($mode), $path) ? reply($id, 'exit', 0) : $fail->("$!") }
  if ($op eq 'exists') { return reply($id, 'exit', -e $path ? 0 : 1) }
  if ($op eq 'inode') {
    my @st = stat($path);
    return @st ? reply($id, 'exit', 0, "$st[1]\n", '') : $fail->("$!");
  }
  if ($op eq 'readlink') {
    my $text = readlink($path);
    return defined $text ? reply($id, 'exit', 0, "$text\n", '') : $fail->("$!");
  }
  if ($op eq 'mkdir') {
    my $dir = $path =~ m{\A/} ? '' : '.';
    my @parts = grep { length } split m{/+}, $path;
    for my $i (0 .. $#parts) {
      $dir .= "/$parts[$i]";
      # A file on the way is passed, so the next mkdir fails as mkdir -p's does (Not a directory).
      next if -d $dir || ($i < $#parts && -e $dir);
      # Another process may make it between the test and mkdir: only a directory there is success.
      mkdir($dir) or ($!{EEXIST} && -d $dir) or return $fail->("$!");
    }
    return reply($id, 'exit', 0);
  }
  if ($op eq 'netread') {
    # setns(2) into the namespace, read, and back: the agent runs one request at a time, so no
    # command starts while it is away, and one it cannot return from ends it (die) rather than
    # running the sandbox's next command in the wrong namespace.
    my ($netns, $nr) = @$f[2, 3];
    return reply($id, 'spawn', 22, '', "netread without setns's syscall number") unless defined $nr && $nr =~ /\A\d+\z/;
    open(my $own, '<', '/proc/self/ns/net') or return $fail->("/proc/self/ns/net: $!");
    # Non-blocking, and a namespace file is a regular file: a FIFO or a device there is refused, not waited on.
    sysopen(my $ns, $netns, O_RDONLY | O_NONBLOCK | O_NOCTTY) or return reply($id, 'exit', 1, '', "$netns: $!\n");
    return reply($id, 'exit', 1, '', "$netns: not a namespace file\n") unless -f $ns;
    syscall($nr + 0, fileno($ns), 0x40000000) == 0 or return reply($id, 'exit', 1, '', "$netns: setns: $!\n");
    my @read = regular_file($path, 0, '');
    syscall($nr + 0, fileno($own), 0x40000000) == 0 or die "agent: cannot return to its own network namespace: $!\n";
    return defined $read[0] ? reply($id, 'exit', 0, $read[0], '') : $fail->($read[1]);
  }
  my $writing = $op eq 'write';
  return reply($id, 'spawn', 22, '', "unknown file operation $op") unless $writing || $op eq 'read';
  my @done = regular_file($path, $writing, $data);
  defined $done[0] ? reply($id, 'exit', 0, $done[0], '') : $fail->($done[1]);
}

# Reads (the bytes) or writes a regular file: (bytes) or (undef, error).
sub regular_file {
  my ($path, $writing, $data) = @_;
  my $how = $writing ? (O_WRONLY | O_CREAT | O_TRUNC) : O_RDONLY;
  sysopen(my $fh, $path, $how | O_NONBLOCK | O_NOCTTY, 0666) or return (undef, "$!");
  return (undef, 'not a regular file (the agent reads and writes only those)') unless -f $fh;
  binmode $fh;
  my $buf = '';
  if ($writing) {
    while (length $data) {
      my $n = syswrite($fh, $data);
      if (!defined $n) { next if $!{EINTR}; return (undef, "$!") }
      substr($data, 0, $n, '');
    }
  }
  else {
    while (1) {
      my $n = sysread($fh, $buf, 65536, length $buf);
      if (!defined $n) { next if $!{EINTR}; return (undef, "$!") }
      last if $n == 0;
    }
  }
  close($fh) or return (undef, "$!");
  return ($buf);
}

sub request {
  my ($op, $id, $a, $b, $c, $payload) = @_;
  if ($op eq 'X') { run_exec($id, $a, $b, $c, $payload) }
  elsif ($op eq 'F') { file_op($id, $c, $payload) }
  elsif ($op eq 'P') { run_pipe($id, $c, $payload) }
  elsif ($op eq 'W') {
    my $job = $jobs{$id} or return;
    return unless $job->{stream};
    $job->{inbuf} .= $payload;
    $job->{eof} = 1 if $a;
    write_input($job);
  }
  elsif ($op eq 'T') {
    my $job = $jobs{$id} or return;
    $job->{timedout} = 1;
    # A process in its own session leads its group: kill the group, so a wrapper's children (a
    # runtime behind a script, the container it started) cannot outlive the budget.
    kill 'KILL', ($job->{setsid} ? -$job->{pid} : $job->{pid}) unless defined $job->{status};
    # A process that left a descendant holding its pipes has exited already: stop waiting for EOF.
    close_fh($job, $_) for qw(out err);
  }
  else { die "unknown request $op" }
}

sub reap {
  # 1: WNOHANG.
  while ((my $pid = waitpid(-1, 1)) > 0) {
    my $st = $?;
    if (my $job = $pidjob{$pid}) { $job->{status} = $st }
  }
}

sub shutdown_all {
  my @pids = keys %pidjob;
  kill 'KILL', @pids if @pids;
  # Reaped before exiting: in a container whose pid 1 is `sleep`, nobody else would.
  waitpid($_, 0) for @pids;
  exit 0;
}

# Every command starts in "/", as nsenter --mount started them: none inherits where the agent was started.
chdir('/') or die "chdir /: $!";
reply(0, 'ready', $$);
my $in = '';
while (1) {
  my ($rin, $win) = ('', '');
  vec($rin, fileno(STDIN), 1) = 1;
  vec($rin, fileno($sigr), 1) = 1;
  for my $fd (keys %byfd) {
    my ($job, $what) = @{ $byfd{$fd} };
    # An open relayed stdin with nothing to write is not waited on: it is always writable.
    next if $what eq 'in' && !length $job->{inbuf};
    vec($what eq 'in' ? $win : $rin, $fd, 1) = 1;
  }
  my $n = select(my $r = $rin, my $w = $win, undef, 0.1);
  if ($n > 0) {
    if (vec($r, fileno(STDIN), 1)) {
      my $got = sysread(STDIN, $in, 65536, length $in);
      shutdown_all() if defined $got && $got == 0;
      while ($in =~ /\A([A-Z]) (\d+) (-?\d+) (\d+) (\d+) (\d+)\n/) {
        my @h = ($1, $2, $3, $4, $5, $6);
        my $need = length($&) + $h[5];
        last if length($in) < $need;
        my $payload = substr($in, length($&), $h[5]);
        substr($in, 0, $need, '');
        request(@h[0 .. 4], $payload);
      }
    }
    for my $fd (keys %byfd) {
      my $e = $byfd{$fd} or next;
      my ($job, $what) = @$e;
      if ($what eq 'in') { write_input($job) if vec($w, $fd, 1) }
      elsif (vec($r, $fd, 1)) { read_output($job, $what) }
    }
  }
  1 while sysread($sigr, my $drain, 512);
  reap();
  finish($_) for grep { defined $_->{status} && $_->{open} == 0 } values %jobs;
}
