import type { Request, Response, Server } from 'restify';

/**
 * The privacy and terms pages the app package links to (Teams requires both links). They say
 * what this bot itself stores and why; the program's own terms stay with FastTrack.
 */
const PAGES: Readonly<Record<string, { title: string; paragraphs: readonly string[] }>> = {
  '/privacy': {
    title: 'FastTrack Referrals bot: privacy',
    paragraphs: [
      'The bot stores, for the FastTrack Partner Community referral program: your Microsoft Entra (AAD) object id and tenant id, with the roles FastTrack operations gave you at partner locations; where it may post notifications (conversation id, service address, tenant, team and channel, or your user id for a personal chat); referrals and their answers, with who answered; pauses; your "Was this helpful?" answers; and questions it could not answer, so the program team can improve the answers.',
      'It does not store the text of other messages. Nothing is shared outside the program. Ask your partner program admin or FastTrack operations to see or remove what concerns you, or contact partner support: https://aka.ms/PXPartnerSupport.',
    ],
  },
  '/terms': {
    title: 'FastTrack Referrals bot: terms of use',
    paragraphs: [
      'This bot helps partner locations in the FastTrack Partner Community referral program answer program questions, handle referrals and manage pauses. The program rules that apply are the program’s own; the bot explains them but does not change them.',
      'Use it for program work only. For questions the bot cannot answer, contact partner support: https://aka.ms/PXPartnerSupport.',
    ],
  },
};

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}

export function aboutPageRoutes(): (server: Server) => void {
  return (server) => {
    for (const [path, page] of Object.entries(PAGES)) {
      const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(page.title)}</title></head><body><h1>${escape(page.title)}</h1>${page.paragraphs.map((p) => `<p>${escape(p)}</p>`).join('')}</body></html>`;
      server.get(path, async (_req: Request, res: Response) => {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': "default-src 'none'", 'X-Content-Type-Options': 'nosniff' });
        res.end(html);
      });
    }
  };
}
