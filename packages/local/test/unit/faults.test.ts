import { assignFaults, parseFaults, pickFault } from '../../src/faults';

describe('parseFaults', () => {
  it('reads a comma list of target.fault=share', () => {
    expect(parseFaults('ses.throttle=0.3, sendgrid.5xx=0.1,dynamodb.throttle=0.05')).toEqual({
      ses: { throttle: 0.3, '5xx': 0 },
      sendgrid: { throttle: 0, '5xx': 0.1 },
      dynamodb: { throttle: 0.05, '5xx': 0, operations: {} },
      firehose: { fail: 0 },
    });
  });

  it('reads shares for one DynamoDB operation beside the general ones', () => {
    expect(
      parseFaults('dynamodb.5xx=0.1,dynamodb.TransactWriteItems.throttle=1,dynamodb.GetItem.5xx=0.5')
        .dynamodb,
    ).toEqual({
      throttle: 0,
      '5xx': 0.1,
      operations: { TransactWriteItems: { throttle: 1, '5xx': 0 }, GetItem: { throttle: 0, '5xx': 0.5 } },
    });
  });

  it('means no faults when unset or empty', () => {
    expect(parseFaults(undefined)).toEqual(parseFaults(''));
    expect(parseFaults(' , ').ses).toEqual({ throttle: 0, '5xx': 0 });
  });

  it('reads firehose.fail as the share of records Firehose fails', () => {
    expect(parseFaults('firehose.fail=0.2,ses.throttle=0.1').firehose).toEqual({ fail: 0.2 });
    expect(parseFaults('').firehose).toEqual({ fail: 0 });
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
    ['firehose.fail=0.1,firehose.fail=0.2', /firehose.fail is given twice/],
    ['firehose.fail=2', /between 0 and 1/],
    ['firehose.throttle=0.1', /unknown key "firehose.throttle"/],
    ['ses.fail=0.1', /unknown key "ses.fail"/],
    ['ses.throttle=0.7,ses.5xx=0.5', /more than 1/],
    ['dynamodb.timeout=0.1', /unknown key "dynamodb.timeout"/],
    ['ses.SendEmail.throttle=0.1', /only dynamodb takes an operation/],
    ['dynamodb.TransactWriteItem.throttle=1', /DynamoDB has no operation TransactWriteItem/],
    ['dynamodb.PutItem.throttle.x=1', /unknown key/],
    ['dynamodb.PutItem.throttle=0.1,dynamodb.PutItem.429=0.1', /dynamodb.PutItem.throttle is given twice/],
    [
      'dynamodb.PutItem.throttle=0.6,dynamodb.PutItem.5xx=0.6',
      /dynamodb.PutItem's shares add up to more than 1/,
    ],
  ])('rejects %s with a clear error', (text, message) => {
    expect(() => parseFaults(text)).toThrow(message);
  });
});

describe('assignFaults', () => {
  it('changes the faults in place, operations included', () => {
    const faults = parseFaults('ses.throttle=0.3,dynamodb.PutItem.throttle=1');
    const ses = faults.ses;
    const dynamodb = faults.dynamodb;
    assignFaults(faults, parseFaults('dynamodb.throttle=0.2'));
    expect(faults.ses).toBe(ses);
    expect(ses).toEqual({ throttle: 0, '5xx': 0 });
    expect(faults.dynamodb).toBe(dynamodb);
    expect(dynamodb).toEqual({ throttle: 0.2, '5xx': 0, operations: {} });
  });

  it('changes the Firehose share in place, where the stand-in reads it', () => {
    const faults = parseFaults('firehose.fail=0.2');
    const firehose = faults.firehose;
    assignFaults(faults, parseFaults('firehose.fail=1'));
    expect(faults.firehose).toBe(firehose);
    expect(firehose).toEqual({ fail: 1 });
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
