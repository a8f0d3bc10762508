import { SandboxTarget } from '../helpers/target/sandbox.js';
const t = await SandboxTarget.start();
const run = async (argv: string[], opts = {}) => { const r = await t.exec(argv, opts); console.log(`$ ${argv.join(' ')}\n  rc=${r.exitCode} out=${r.stdout.trim().slice(0,300)} err=${r.stderr.trim().slice(0,400)}`); return r; };
const cmds: string[][] = JSON.parse(process.argv[2] ?? '[]');
for (const c of cmds) {
  if (c[0] === 'AS_NOBODY') await run(c.slice(1), { uid: 65534, gid: 65534 });
  else await run(c);
}
await t.dispose();
