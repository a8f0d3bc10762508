import { ContainerTarget } from '../helpers/target/container.js';
import { startLabContainer } from '../helpers/target/lab-container.js';
const { container } = await startLabContainer();
let t0 = performance.now();
for (let i = 0; i < 10; i++) { const r = await container.exec(['true']); if (r.exitCode !== 0) throw new Error('x'); }
console.log('10 tc execs', Math.round(performance.now() - t0));
t0 = performance.now();
const r = await container.exec(['sh', '-c', 'echo out; echo err >&2; exit 3'], { env: { A: 'b' }, user: '65534:65534' });
console.log(JSON.stringify(r), Math.round(performance.now() - t0));
await container.stop({ remove: true, timeout: 0 });
void ContainerTarget;
