/**
 * SendGrid `mail/send` rules beyond the required fields (sendgrid.ts `validateMail`), so a request SendGrid
 * would refuse — or accept and then drop — is refused locally with a 400.
 *
 * From SendGrid's own OpenAPI document for `POST /v3/mail/send`
 * (https://github.com/twilio/sendgrid-oai, spec/json/tsg_mail_v3.json): `categories` at most 10, unique,
 * each at most 255 characters; `reply_to_list` unique; attachments need `content` and `filename`, and
 * `disposition` is `inline` or `attachment`; `custom_args` at most 10,000 bytes.
 * From its limitations (https://www.twilio.com/docs/sendgrid/api-reference/mail-send#limitations): an
 * address only once across a personalization's to, cc and bcc (compared case-insensitively,
 * https://github.com/sendgrid/sendgrid-ruby/issues/461), and no `,` or `;` in to/cc/bcc names. SendGrid
 * itself takes such a name and then drops the mail as "Invalid"
 * (https://github.com/sendgrid/sendgrid-python/issues/291); the stand-in refuses it outright.
 */

export interface SendGridRuleError {
  message: string;
  field: string | null;
  help: string | null;
}

const HELP = 'https://www.twilio.com/docs/sendgrid/api-reference/mail-send/errors';
const MAX_CATEGORIES = 10;
const MAX_CATEGORY_LENGTH = 255;
const MAX_CUSTOM_ARGS_BYTES = 10_000;
const KINDS = ['to', 'cc', 'bcc'] as const;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const problem = (message: string, field: string | null, help: string | null = null): SendGridRuleError => ({
  message,
  field,
  help,
});

function personalizationProblems(p: unknown, i: number): SendGridRuleError[] {
  if (!isObject(p)) return [];
  const problems: SendGridRuleError[] = [];
  const seen = new Set<string>();
  let duplicate: SendGridRuleError | undefined;
  for (const kind of KINDS) {
    list(p[kind]).forEach((r, j) => {
      if (!isObject(r)) return;
      if (typeof r.name === 'string' && /[,;]/.test(r.name)) {
        problems.push(
          problem(
            'The to.name, cc.name, and bcc.name personalizations cannot include either the ; or , characters.',
            `personalizations.${i}.${kind}.${j}.name`,
            `${HELP}#message.personalizations`,
          ),
        );
      }
      if (typeof r.email !== 'string') return;
      const email = r.email.toLowerCase();
      if (seen.has(email) && !duplicate) {
        // SendGrid's own text, which names only the first duplicate.
        duplicate = problem(
          `Each email address in the personalization block should be unique between to, cc, and bcc. We found the first duplicate instance of [${r.email}] in the personalizations.${i}.${kind} field.`,
          `personalizations.${i}.${kind}`,
          `${HELP}#message.recipient-errors`,
        );
      }
      seen.add(email);
    });
  }
  return duplicate ? [duplicate, ...problems] : problems;
}

function categoryProblems(categories: unknown): SendGridRuleError[] {
  if (categories === undefined) return [];
  if (!Array.isArray(categories))
    return [problem('The categories parameter must be an array.', 'categories')];
  const problems: SendGridRuleError[] = [];
  if (categories.length > MAX_CATEGORIES) {
    problems.push(
      problem(
        `You may not have more than ${MAX_CATEGORIES} categories per request; found ${categories.length}.`,
        'categories',
        `${HELP}#message.categories`,
      ),
    );
  }
  if (new Set(categories).size !== categories.length) {
    problems.push(problem('The categories must be unique.', 'categories', `${HELP}#message.categories`));
  }
  categories.forEach((c, i) => {
    if (typeof c !== 'string' || c.length > MAX_CATEGORY_LENGTH) {
      problems.push(
        problem(
          `A category name must be a string of at most ${MAX_CATEGORY_LENGTH} characters.`,
          `categories.${i}`,
          `${HELP}#message.categories`,
        ),
      );
    }
  });
  return problems;
}

function attachmentProblems(attachments: unknown): SendGridRuleError[] {
  return list(attachments).flatMap((a, i) => {
    const at = (f: string) => `attachments.${i}.${f}`;
    if (!isObject(a)) return [problem('Each attachment must be an object.', `attachments.${i}`)];
    const problems: SendGridRuleError[] = [];
    if (typeof a.content !== 'string' || a.content === '') {
      problems.push(problem('The attachment content is required.', at('content')));
    }
    if (typeof a.filename !== 'string' || a.filename === '') {
      problems.push(problem('The attachment filename is required.', at('filename')));
    }
    if (a.disposition !== undefined && a.disposition !== 'inline' && a.disposition !== 'attachment') {
      problems.push(
        problem(
          'The disposition of your attachment must be either "inline" or "attachment".',
          at('disposition'),
        ),
      );
    }
    if (a.content_id !== undefined && (typeof a.content_id !== 'string' || a.content_id === '')) {
      problems.push(problem('The content_id must be a non-empty string.', at('content_id')));
    }
    return problems;
  });
}

/** The rules a `mail/send` body breaks, each as SendGrid reports it; empty when it keeps them all. */
export function mailRuleProblems(body: unknown): SendGridRuleError[] {
  if (!isObject(body)) return [];
  const problems = [
    ...list(body.personalizations).flatMap(personalizationProblems),
    ...categoryProblems(body.categories),
    ...attachmentProblems(body.attachments),
  ];
  const replyTo = list(body.reply_to_list).map((r) => (isObject(r) ? String(r.email).toLowerCase() : r));
  if (new Set(replyTo).size !== replyTo.length) {
    problems.push(problem('The reply_to_list addresses must be unique.', 'reply_to_list'));
  }
  if (
    body.custom_args !== undefined &&
    Buffer.byteLength(JSON.stringify(body.custom_args), 'utf8') > MAX_CUSTOM_ARGS_BYTES
  ) {
    problems.push(
      problem(`The custom_args may total at most ${MAX_CUSTOM_ARGS_BYTES} bytes.`, 'custom_args'),
    );
  }
  return problems;
}
