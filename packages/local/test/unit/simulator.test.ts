import { isRejected, simulatorEvents, simulatorEventType } from '../../src/standins/simulator';

describe('simulator addresses', () => {
  it('knows what each SES simulator address implies, labels included', () => {
    expect(simulatorEventType('bounce@simulator.amazonses.com')).toBe('bounce');
    expect(simulatorEventType('Complaint+x1@Simulator.AmazonSES.com')).toBe('complaint');
    expect(simulatorEventType('"List" <suppressionlist@simulator.amazonses.com>')).toBe('suppressed');
    expect(simulatorEventType('success@simulator.amazonses.com')).toBeUndefined();
    expect(simulatorEventType('bounce@example.com')).toBeUndefined();
  });

  it('rejects any recipient at reject.mailroom.test and nobody else', () => {
    expect(isRejected('Anyone <anyone@reject.mailroom.test>')).toBe(true);
    expect(isRejected('anyone@notreject.mailroom.test.example')).toBe(false);
  });

  it('records one event per simulator recipient', () => {
    const at = new Date('2026-01-02T03:04:05Z');
    expect(
      simulatorEvents(
        'ses',
        'm-1',
        ['success@simulator.amazonses.com', 'bounce@simulator.amazonses.com'],
        at,
      ),
    ).toEqual([
      {
        provider: 'ses',
        providerMessageId: 'm-1',
        recipient: 'bounce@simulator.amazonses.com',
        type: 'bounce',
        at: at.toISOString(),
      },
    ]);
  });
});
