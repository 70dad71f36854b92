/** A locale Intl accepts: Teams and browsers may hand over tags that Intl rejects with an exception. */
export function usableLocale(candidate: string | undefined): string {
  try {
    const [canonical] = Intl.getCanonicalLocales(candidate ?? 'en-US');
    return canonical ?? 'en-US';
  } catch {
    return 'en-US';
  }
}
