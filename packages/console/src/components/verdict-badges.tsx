import { VERDICT_NAMES, type InboundSummary, type Verdict } from '../inbound';

/** What each verdict means for the reader; the word is always shown, the colour only repeats it. */
const TONE: Record<Verdict, string> = {
  PASS: 'good',
  FAIL: 'bad',
  GRAY: 'warn',
  PROCESSING_FAILED: 'warn',
  DISABLED: 'neutral',
};

/** SES's spam, virus, SPF, DKIM and DMARC verdicts as badges ("not given" when SES gave none). */
export function VerdictBadges({ verdicts }: { verdicts: InboundSummary['verdicts'] }) {
  return (
    <ul class="verdicts">
      {VERDICT_NAMES.map(([key, name]) => {
        const verdict = verdicts[key];
        return (
          <li key={key} data-verdict={key}>
            <span class={`badge badge-${verdict ? TONE[verdict] : 'neutral'}`}>
              {name}: {verdict ?? 'not given'}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
