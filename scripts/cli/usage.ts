/** What --help prints; kept beside the parser so the two are read together. */
export const TEST_USAGE = `Usage: npm test -- [options]

Runs lesson 06 (runc and network namespaces) as isolated specs and writes a JUnit report.
Needs root: as a user with passwordless sudo it re-runs itself through sudo -n.

Harness options:
  -g, --grep REGEX        run tests whose full name matches (names start with the section:
                          exercise-1 … exercise-5, verify, cleanup, common-error-1 … 6, notes)
  --target sandbox|container
                          sandbox (default): a namespace sandbox per test on this machine;
                          container: a privileged lab container (Docker) per worker
  --distro bookworm|trixie|sid
                          Debian release of the lab image (with --target container)
  --runtime runc|crun|PATH
                          the OCI runtime under test (default runc): a name installed on
                          this machine, or in the lab image with --target container; or an
                          absolute path (sandbox target)
  --cgroup host|v2        host (default): the machine's cgroup layout; v2: each sandbox
                          mounts a private cgroup2 hierarchy (cgroup v2 on any host)
  --junit FILE            JUnit report path (default reports/junit.xml)
  --lesson FILE           the lesson document, for the annotated lesson (lesson.md and
                          lesson.html beside the JUnit report); default
                          ../shared/lesson/06-network-integration.md when it exists
  --lab existing          grade the lab already on this machine (same as npm run grade)
  -h, --help              this text

vitest options that pass through:
  --reporter NAME         add a console reporter (default, verbose, dot, …); the JUnit report
                          and the closing line are always written
  --bail N                stop after N failed tests (every failed test is still reported)
  --maxWorkers N          worker processes (default 3)
  --testTimeout MS        per-test timeout (default 90000)
  --tagsFilter EXPR       run tests by tag (tags are the section names)
  --shard I/N             run part I of N; results go to reports/shards/I-of-N/ (join all
                          parts with npm run merge-reports)
  --silent                hide the tests' console output

Refused: --watch and --ui (one run, one verdict), --retry (retries hide flaky verdicts),
--passWithNoTests (a run that selects nothing is an error), file arguments (use --grep).

Exit: 0 every selected test passed; 1 a lesson check failed; 2 refused (bad option, nothing
selected, missing prerequisite, no root, a selected test skipped); 3 the harness itself broke
(<error> entries in the report, not lesson verdicts); 130 interrupted (Ctrl-C).
The last line is the count CI systems read: "lesson06: N passed, N failed, N skipped".

Examples:
  npm test
  npm test -- --grep exercise-3
  npm test -- --grep '^(exercise-1|verify)' --reporter verbose
  npm test -- --target container --distro trixie
  npm run grade -- --bundle ~/my-bundle --junit out/alice.xml
`;

export const GRADE_USAGE = `Usage: npm run grade -- [options]

Grades the lab a student built on this machine, read-only: the lesson's Verify section, check
by check, then the student's bundle run once in the namespace (see README, "Grading").
Needs root; with passwordless sudo it re-runs itself through sudo -n.

Options (each defaults to the lesson's value):
  --netns NAME            network namespace (container-net)
  --host-veth NAME        host end of the veth pair (veth-host)
  --ns-veth NAME          namespace end (veth-container)
  --host-ip CIDR          host address (10.0.0.1/24)
  --ns-ip CIDR            namespace address (10.0.0.2/24)
  --bundle DIR            the student's bundle (~/oci-netns-test; ~ is the sudo user's home)
  --new-bundle DIR        Exercise 4's second bundle, with Exercise 5's hooks (~/oci-newnetns-test;
                          only the exercise-4, exercise-5 and cleanup steps of --check/--watch read it)
  --student NAME          whose lab this is (default: the invoking user, SUDO_USER under sudo);
                          letters, digits, ".", "_", "-"; it names the report, its suite and
                          its properties
  --junit FILE            the grader's report (default reports/grade/<student>/<UTC time>.xml,
                          copied to latest.xml beside it; never a link, never in the bundle)
  --points FILE           each check's weight (grading/points.json); the report carries each
                          check's points, the score and the maximum
  --format FORMAT         junit (default), gradescope or prairielearn: also writes that
                          platform's results.json (the JUnit report is always written)
  --results FILE          where --format writes results.json (beside the report)
  --check ID              check only this lesson step (e.g. exercise-1/step-4) or grade check,
                          and what it needs; repeatable. One line per ID (✓, or ✗ with the
                          first hint); no score; the report goes to check.xml beside the
                          student's reports (lab platforms: Killercoda, Instruqt, iximiuz)
  --list-checks           every ID --check accepts, with its title
  --watch                 the live checklist: every lesson step (Exercises 1-5, Clean Up) with
                          its progress, ✓ / ✗ / · not yet, re-checked read-only whenever the lab
                          changes (kernel events, the bundles' files, a 5 s poll); the first hint
                          under each failing step, h shows the next level, r re-checks now,
                          q or Ctrl-C writes the last check's report (as --check does) and exits
                          130. Without a terminal: one line per step that changed. Not with
                          --check, --list-checks, --format, --points or --results
  --hints 1|2|3           how much of each failing check's hint to print: 1 what is wrong,
                          2 also which lesson section and what the kernel shows, 3 also the
                          commands that fix it (default 3; 1 with --check; with --watch, the
                          level it starts at)
  -h, --help              this text

Exit: 0 every check passed; 1 a check failed (with --check: a named check failed or is not
yet checkable); 2 refused (an unknown --check ID names the nearest valid one); 3 the grader
itself broke (the report then says ungradable, never a score of 0); 130 --watch ended (Ctrl-C
or q) after writing the last check's report.
`;

export const GRADEBOOK_USAGE = `Usage: npm run gradebook -- REPORTS… [options]

Builds the class table from students' grade reports (npm run grade): reports/gradebook.csv
(student, score, max, one column per check, flags) and reports/gradebook.html (one page, no
network: a row per student, each check's failure rate and most common diagnosis, a link to
each report). REPORTS are report files, student directories (their latest.xml) or a class
directory such as reports/grade (every student's latest.xml).

Refused (exit 2, naming the file): a report of another lesson or harness version, a partial
report (a selection, or checks missing against the points file), a student given twice.
Flagged (exit 1, the gradebook is still written): reports of one lab under several students
(same boot id and MACs), and reports that contradict themselves (see README, "What the
evidence can and cannot show").

Options:
  --points FILE           the weights to score with (grading/points.json)
  --out DIR               where gradebook.csv and gradebook.html go (reports)
  -h, --help              this text

Exit: 0 written, nothing flagged; 1 written, some report flagged; 2 refused; 3 harness fault.
`;

export const MERGE_USAGE = `Usage: npm run merge-reports -- [options]

Joins the shards of a split run into one JUnit report and one closing line, exactly as an
unsharded npm test writes them. Each shard is one npm test -- --shard I/N (on its own runner);
it leaves its results in reports/shards/I-of-N/. Shards of another split, with another
selection, target or tool versions, or a missing shard, are refused.

Options:
  --from DIR              where the shard directories are (reports/shards)
  --junit FILE            the merged report (reports/junit.xml)
  --reporter NAME         console reporter (default, verbose, dot, …)
  --lesson FILE           the lesson document: the merged run writes the annotated lesson
                          (lesson.md, lesson.html beside the report); default
                          ../shared/lesson/06-network-integration.md when it exists
  -h, --help              this text

Exit: as npm test: 0 every test passed; 1 a lesson check failed; 2 refused; 3 harness error.
`;

export const CLEAN_USAGE = `Usage: npm run clean -- [options]

Removes what crashed or killed runs left behind, and only that: lab containers, processes in
harness cgroups, those cgroups and temporary directories named after a run that is no longer
alive. A run that is still alive is never touched.

Options:
  --dry-run               list what would be removed; remove nothing
  --all                   also the leftovers of live runs (only when no run is going on)
  -h, --help              this text
`;

export const BENCH_USAGE = `Usage: npm run bench -- [--labs N | --saturate]

Measures, as root, in wall seconds and CPU seconds (user + sys over the whole process tree): the
suite on the sandbox target and (when the lab images exist and an engine answers) on the container
target for each release; the floor (bench/floor.sh: the lesson's raw commands, one lab per test)
at the parallelism the suite really reached and at full parallelism; the suite / floor ratios;
tests per second and peak memory. Each figure comes with the machine's load average.

Options:
  --labs N                instead: build and verify 1, 10 and N labs at once (N from 1 to 500),
                          time per lab, failures and namespace collisions
  --saturate              instead: the suite while every core runs a CPU hog (one per core,
                          each ended by its pid, and by itself after 10 minutes); every test
                          must still pass
  -h, --help              this text
`;

export const DOCTOR_USAGE = `Usage: npm run doctor

Lists every prerequisite as the (elevated) run will see it, with the command that installs what
is missing; says whether /bin/busybox is static. Exit 0 when npm test can run, 1 otherwise.
`;

export const SETUP_USAGE = `Usage: npm run setup

Runs npm ci as you, then (as root, through sudo when you are not root) installs the Debian
packages the suite needs, unpacks Debian's dynamic busybox for the Exercise 2 check, and ends
with npm run doctor.
`;

export const ACTIONLINT_USAGE = `Usage: npm run lint:workflows

Runs actionlint over .github/workflows. Exit 0 when it finds no problem.
`;
