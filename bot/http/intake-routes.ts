import { timingSafeEqual } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { isDomainError } from '../../domain/errors.ts';
import type { ReferralService } from '../../domain/referrals/referral-service.ts';
import type { Logger } from '../logger.ts';

const text = z.string().trim().min(1, 'must not be empty');

/** The intake body; strict, so a misspelt field is named instead of silently dropped. */
export const intakeSchema = z
  .object({
    id: text.max(64).regex(/^[A-Za-z0-9._-]+$/, 'may hold letters, digits, ".", "_" and "-" only'),
    type: z.enum(['Standard', 'Benefit']),
    workloads: z.array(text.max(100)).min(1, 'must not be empty').max(20),
    customer: z
      .object({
        name: text.max(200),
        country: z.string().regex(/^[A-Z]{2}$/, 'must be a two-letter country code such as "US"'),
        language: z.string().regex(/^[a-z]{2}$/, 'must be a two-letter language code such as "en"'),
        seats: z.number().int('must be a whole number').min(1).max(10_000_000),
        industry: z.string().trim().max(100),
        cporClaims: z.array(z.object({ mpnId: text.max(20), workload: text.max(100) }).strict()).max(50).default([]),
      })
      .strict(),
  })
  .strict();

function keyMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * `POST /api/referrals`: takes in a new referral, matches it and stores the offers. The referral
 * id is the idempotency key. Disabled (503) when no INTAKE_API_KEY is configured.
 */
export function intakeRoutes(service: ReferralService, apiKey: string, logger: Logger): (server: Server) => void {
  return (server) => {
    server.post('/api/referrals', async (req: Request, res: Response) => {
      if (apiKey === '') {
        res.send(503, { code: 'IntakeDisabled', message: 'referral intake is off: set INTAKE_API_KEY to enable it' });
        return;
      }
      const given = req.header('x-api-key');
      if (!keyMatches(given === '' ? undefined : given, apiKey)) {
        logger.warn('intake refused: bad or missing x-api-key');
        res.send(401, { code: 'Unauthorized', message: 'a valid x-api-key header is required' });
        return;
      }
      const parsed = intakeSchema.safeParse(req.body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const field = issue === undefined || issue.path.length === 0 ? 'body' : issue.path.join('.');
        const message = issue?.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : (issue?.message ?? 'is invalid');
        res.send(400, { code: 'BadRequest', field, message: `${field}: ${message}` });
        return;
      }
      try {
        const result = await service.intake(parsed.data);
        res.send(result.created ? 201 : 200, {
          referral: result.referral,
          replay: !result.created,
          explanation: result.explanation,
        });
      } catch (err) {
        if (isDomainError(err, 'intake.conflict')) {
          res.send(409, { code: 'Conflict', message: err.message });
          return;
        }
        if (isDomainError(err)) {
          res.send(400, { code: 'BadRequest', message: err.message });
          return;
        }
        logger.error('intake failed', { error: String(err) });
        res.send(500, { code: 'InternalError', message: 'the referral could not be stored; nothing was saved' });
      }
    });
  };
}
