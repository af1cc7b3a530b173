/**
 * The one ordering of names in the output: by UTF-16 code unit, what `Array.prototype.sort`
 * does without a comparator. It is the same in every locale, time zone and Node/ICU version,
 * and for the ASCII names Kubernetes allows it is byte order, as `LC_ALL=C sort` and git list
 * them. `localeCompare` and `Intl.Collator` follow the process locale or ICU's collation data
 * (under da_DK `aa` sorts after `z`), so two machines would render different bytes.
 */
export const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The values sorted by `byText`, as a new array. */
export const sortedText = (values: Iterable<string>): string[] => [...values].sort(byText);
