import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../bot/config.ts';
import { consoleLogger } from '../bot/logger.ts';
import { openStore, storeFile } from '../bot/app.ts';
import { journalFileOf } from '../data/store/json-store.ts';

// `npm run seed` loads the demo program into an empty store; `-- --reset` wipes the store first.
// Stop the bot before running it: one store (snapshot + journal) serves one process.
const { values } = parseArgs({ options: { reset: { type: 'boolean', default: false } } });
const config = { ...loadConfig(process.env, process.cwd()), seedDemoData: true };
const file = storeFile(config);
if (values.reset) {
  // The journal goes too: replayed onto an empty snapshot it would bring the old data back, or be refused.
  for (const f of [file, journalFileOf(file)]) await rm(f, { force: true });
  console.log(`removed ${file} and its journal`);
}
const { store } = await openStore(config, consoleLogger(), () => new Date());
await store.flush();
const d = store.data;
if (!values.reset && d.seededAt === null) {
  console.log(`${file} already holds data and was left as it is; use --reset to replace it with the demo program.`);
} else {
  console.log(`${file}: ${d.partners.length} partners, ${d.locations.length} locations, ${d.referrals.length} referrals, ${d.events.length} events, ${d.users.length} users`);
}
