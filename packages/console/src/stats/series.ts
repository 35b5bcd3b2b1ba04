import type { Counts } from './rates';

/**
 * What the stats chart draws, in this order, and in which colour. The colours are the console's own
 * (styles.css) where a meaning matches (delivered green, bounced red); complaints are dashed so they
 * stay apart from bounces without colour.
 */
export const SERIES: readonly { key: keyof Counts; label: string; color: string; dash?: number[] }[] = [
  { key: 'sent', label: 'Sent', color: '#2750c9' },
  { key: 'delivered', label: 'Delivered', color: '#1d7a46' },
  { key: 'bounced', label: 'Bounced', color: '#b42318' },
  { key: 'complained', label: 'Complained', color: '#b35c00', dash: [6, 4] },
  { key: 'opened', label: 'Opened', color: '#7a3db8' },
  { key: 'clicked', label: 'Clicked', color: '#0b7285' },
];
