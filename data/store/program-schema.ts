import { z } from 'zod';

const iso = z.string().min(1);
const workloads = z.array(z.string().min(1));

export const specializationSchema = z.object({ workload: z.string().min(1), expires: z.string().min(1) });

export const partnerRecordSchema = z.object({
  partnerId: z.string().min(1),
  name: z.string(),
  specializations: z.array(specializationSchema),
});

export const pauseRecordSchema = z.object({ pausedAt: iso, pausedUntil: iso, pausedBy: z.string() });

export const locationRecordSchema = z.object({
  mpnId: z.string().min(1),
  partnerId: z.string().min(1),
  name: z.string(),
  country: z.string().min(1),
  languages: z.array(z.string()),
  minSeats: z.number().nullable(),
  maxSeats: z.number().nullable(),
  industries: z.array(z.string()),
  status: z.enum(['active', 'departed']),
  pause: pauseRecordSchema.nullable(),
  distributionLists: z.object({ benefit: z.string(), standard: z.string() }),
  referralsReceived: z.number().int().min(0),
  lastPauseEndedAt: iso.nullable(),
});

export const customerRecordSchema = z.object({
  name: z.string(),
  country: z.string().min(1),
  language: z.string().min(1),
  seats: z.number().int().min(0),
  industry: z.string(),
  cporClaims: z.array(z.object({ mpnId: z.string().min(1), workload: z.string().min(1) })),
});

const declineReasonSchema = z.object({
  code: z.enum(['no-capacity', 'cannot-support-workload', 'customer-unreachable', 'other']),
  text: z.string().nullable(),
});

const assignmentSchema = z.object({
  id: z.string().min(1),
  mpnId: z.string().min(1),
  workloads,
  basis: z.enum(['cpor-claim', 'round-robin', 'manual']),
  state: z.enum(['offered', 'accepted', 'declined', 'expired', 'reassigned']),
  offeredAt: iso,
  answeredAt: iso.nullable(),
  answeredBy: z.string().nullable(),
  declineReason: declineReasonSchema.nullable(),
});

export const referralSchema = z.object({
  id: z.string().min(1),
  type: z.enum(['Standard', 'Benefit']),
  customer: customerRecordSchema,
  workloads,
  createdAt: iso,
  assignments: z.array(assignmentSchema),
  ftc: z.array(z.object({ workloads, at: iso })),
});

const eventBase = { id: z.string().min(1), at: iso, actor: z.string(), mpnId: z.string().min(1) };
const partEvent = { ...eventBase, referralId: z.string().min(1), assignmentId: z.string().min(1), workloads };

export const programEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('offered'), ...partEvent }),
  z.object({ type: z.literal('accepted'), ...partEvent }),
  z.object({ type: z.literal('expired'), ...partEvent }),
  z.object({ type: z.literal('declined'), ...partEvent, reason: declineReasonSchema }),
  z.object({ type: z.literal('reassigned'), ...partEvent, to: z.array(z.string()), ftc: workloads, previousState: z.enum(['offered', 'accepted']).optional() }),
  z.object({ type: z.literal('paused'), ...eventBase, until: iso }),
  z.object({ type: z.literal('resumed'), ...eventBase }),
  z.object({ type: z.literal('pause-expired'), ...eventBase }),
]);

export const userRecordSchema = z.object({
  tenantId: z.string().min(1),
  aadObjectId: z.string().min(1),
  name: z.string(),
  roles: z.array(z.object({ role: z.enum(['member', 'admin', 'operations']), mpnId: z.string().nullable() })),
});
