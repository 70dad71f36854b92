const WHAT: Readonly<Record<string, string>> = {
  pending: "Listing your location's pending referrals",
  'acceptance-rate': "Showing your location's live acceptance rate",
  pause: 'Pausing referrals',
  resume: 'Resuming referrals',
  status: "Showing your location's referral status",
};

/**
 * Commands whose feature is not built yet answer honestly instead of showing made-up data.
 */
export function comingSoonText(command: string): string {
  const what = WHAT[command] ?? `The "${command}" command`;
  return `${what} is not available in this version of the bot yet; it is coming soon. Meanwhile I can answer questions about the program rules. Type **help** to see what I can do.`;
}
