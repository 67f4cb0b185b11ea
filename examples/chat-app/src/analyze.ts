/** The seed notebook's analysis, one call each: a user's activity, a session's turns, per-version statistics. */
import { init } from '@autolog/core';
import { sessionReport, userReport, versionReport } from './report.js';

init({ experimentName: 'chat-app', silent: true });
console.log(await userReport(process.argv[2] ?? 'user-123'));
console.log(`\n${await sessionReport(process.argv[3] ?? 'session-abc-0')}`);
console.log(`\n${await versionReport()}`);
