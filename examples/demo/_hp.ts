import { flushTraces, init, trace } from '@autolog/core';

init({ silent: true, destination: { name: 'null', export() {} } as any });
function work(x: number) {
  return x + 1;
}
const traced = trace(work, { name: 'work' });
async function awork(x: number) {
  return x + 1;
}
const atraced = trace(awork, { name: 'awork' });
const res: Record<string, number[]> = { sync: [], syncBase: [], async: [], asyncBase: [] };
for (let r = 0; r < 10; r++) {
  let c0 = process.cpuUsage();
  for (let i = 0; i < 1500; i++) work(i);
  let c = process.cpuUsage(c0);
  res.syncBase.push(c.user / 1500);
  c0 = process.cpuUsage();
  for (let i = 0; i < 1500; i++) traced(i);
  c = process.cpuUsage(c0);
  res.sync.push(c.user / 1500);
  await flushTraces();
  c0 = process.cpuUsage();
  for (let i = 0; i < 1500; i++) await awork(i);
  c = process.cpuUsage(c0);
  res.asyncBase.push(c.user / 1500);
  c0 = process.cpuUsage();
  for (let i = 0; i < 1500; i++) await atraced(i);
  c = process.cpuUsage(c0);
  res.async.push(c.user / 1500);
  await flushTraces();
}
for (const [k, v] of Object.entries(res)) {
  v.sort((a, b) => a - b);
  console.log(k, 'min', v[0].toFixed(2), 'median', v[5].toFixed(2), 'µs');
}
