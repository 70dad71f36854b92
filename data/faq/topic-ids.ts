/**
 * The topic ids every evaluation addresses (shared/faq-topics.json). The knowledge base must hold
 * each one; a test checks this list against the shared file.
 */
export const REQUIRED_TOPIC_IDS = [
  'existing-relationships',
  'capacity-pause',
  'split-assignments',
  'round-robin',
  'endorsement-override',
  'specialization-expiry',
  'referral-incentives',
  'qtm-eligibility',
  'customer-expectations',
  'matching-priority',
  'co-sell',
  'cpor-poe',
  'referral-emails',
  'acceptance-rate',
  'cpor-high-water-mark',
  'fasttrack-osu',
] as const;
