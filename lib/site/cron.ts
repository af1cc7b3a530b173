/**
 * Five-field cron expressions as crontab(5) reads them (Spilo's backup schedule goes into a
 * crontab): each field `*`, a number, a range `a-b`, a list `a,b`, each with an optional `/step`;
 * months and weekdays also by their three-letter English names.
 */

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
  },
  // crontab(5): "0-7 (0 or 7 is Sunday, or use names)"
  { name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
] as const;

/** Why a cron expression is wrong, or undefined when crontab accepts it. */
export function cronProblem(expression: string): string | undefined {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5)
    return `it has ${parts.length} fields, cron has 5 (minute hour day-of-month month day-of-week), e.g. '0 1 * * *'`;
  for (const [i, part] of parts.entries()) {
    const field = FIELDS[i];
    const names: readonly string[] = 'names' in field ? field.names : [];
    const value = (v: string): number | undefined => {
      const named = names.indexOf(v.toLowerCase());
      if (named >= 0) return named + (field.min === 1 ? 1 : 0);
      return /^\d+$/.test(v) ? Number(v) : undefined;
    };
    for (const item of part.split(',')) {
      const m = /^(\*|([^-/]+)(?:-([^-/]+))?)(?:\/(\d+))?$/.exec(item);
      if (!m)
        return `the ${field.name} field '${part}' is not '*', a number, a range a-b or a list, each with an optional /step`;
      if (m[4] !== undefined && Number(m[4]) < 1) return `the ${field.name} field '${part}' has step 0`;
      for (const bound of [m[2], m[3]]) {
        if (bound === undefined) continue;
        const n = value(bound);
        if (n === undefined)
          return `the ${field.name} field '${part}': '${bound}' is not a number${names.length ? ' or a name' : ''}`;
        if (n < field.min || n > field.max)
          return `the ${field.name} field '${part}': ${n} is outside ${field.min}-${field.max} (crontab(5): ${field.name} ${field.min}-${field.max})`;
      }
      if (m[3] !== undefined && value(m[2])! > value(m[3])!)
        return `the ${field.name} field '${part}': the range runs backwards`;
    }
  }
  return undefined;
}
