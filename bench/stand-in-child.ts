import { startNotificationStandIn } from './notification-stand-in.ts';

/**
 * The notification stand-in in a process of its own, so arrival times are stamped by a process
 * that the bot's event-loop stalls (a store snapshot, a slow sync) cannot delay. Talks over IPC:
 * sends `{ serviceUrl }` when listening; on "report" sends the posts (without their bodies) and exits.
 */
const standIn = await startNotificationStandIn();
process.send?.({ serviceUrl: standIn.serviceUrl });
process.on('message', (message: unknown) => {
  if (message !== 'report') return;
  const posts = standIn.posts.map(({ activity: _body, ...post }) => post);
  process.send?.({ posts }, () => {
    void standIn.close().then(() => process.exit(0));
  });
});
