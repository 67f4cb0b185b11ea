/**
 * Runs the multi-agent orchestrator on sample questions (traced into the local store) and prints
 * the monitoring report. Offline by default; set OPENAI_API_KEY to use OpenAI.
 */
import { autolog, flushTraces, init } from '@autolog/core';
import { chatModel } from './model.js';
import { monitoringReport } from './monitor.js';
import { Orchestrator } from './orchestrator.js';
import { runWorkload } from './workload.js';

init({ experimentName: 'orchestrator' });
await autolog({ integrations: ['langchain', 'openai'] });
const { model, close } = await chatModel();
console.log(await runWorkload(new Orchestrator(model)));
await flushTraces();
console.log(`\n${await monitoringReport()}`);
await close();
