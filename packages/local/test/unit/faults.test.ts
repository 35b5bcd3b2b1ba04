import { parseFaults, pickFault } from '../../src/faults';

describe('parseFaults', () => {
  it('reads a comma list of provider.fault=share', () => {
    expect(parseFaults('ses.throttle=0.3, sendgrid.5xx=0.1')).toEqual({
      ses: { throttle: 0.3, '5xx': 0 },
      sendgrid: { throttle: 0, '5xx': 0.1 },
    });
  });

  it('means no faults when unset or empty', () => {
    expect(parseFaults(undefined)).toEqual(parseFaults(''));
    expect(parseFaults(' , ').ses).toEqual({ throttle: 0, '5xx': 0 });
  });

  it('takes 429 as another name for throttle', () => {
    expect(parseFaults('sendgrid.429=1').sendgrid.throttle).toBe(1);
  });

  it.each([
    ['ses.timeout=0.1', /unknown key "ses.timeout"/],
    ['mailgun.5xx=0.1', /unknown key "mailgun.5xx"/],
    ['ses=0.1', /unknown key "ses"/],
    ['ses.throttle=1.5', /between 0 and 1/],
    ['ses.throttle=-0.1', /between 0 and 1/],
    ['ses.throttle=abc', /between 0 and 1/],
    ['ses.throttle', /between 0 and 1/],
    ['ses.throttle=0.1,ses.429=0.2', /given twice/],
    ['ses.throttle=0.7,ses.5xx=0.5', /more than 1/],
  ])('rejects %s with a clear error', (text, message) => {
    expect(() => parseFaults(text)).toThrow(message);
  });
});

describe('pickFault', () => {
  const shares = { throttle: 0.2, '5xx': 0.2 };

  it('throttles the first share, answers 500 then 503 in the next, and passes the rest', () => {
    expect(pickFault(shares, () => 0.1)).toEqual({ fault: 'throttle' });
    expect(pickFault(shares, () => 0.25)).toEqual({ fault: '5xx', status: 500 });
    expect(pickFault(shares, () => 0.35)).toEqual({ fault: '5xx', status: 503 });
    expect(pickFault(shares, () => 0.4)).toBeUndefined();
  });

  it('never fails with zero shares', () => {
    expect(pickFault({ throttle: 0, '5xx': 0 }, () => 0)).toBeUndefined();
  });
});
