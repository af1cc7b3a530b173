/**
 * The verdict `npm run bench` prints on the generated sites, computed from its own figures: synth's CPU at growing
 * numbers of clusters, the cost per added cluster between consecutive sizes (the slope), and whether the slope grows.
 * Each figure carries the spread of its runs, so a slope carries an uncertainty: when the runs vary too much to tell,
 * the verdict says so instead of guessing.
 */

/** One measured size: `clusters` clusters cost `cpuMs` ms of CPU (the median run), give or take `spreadMs`. */
export interface ScalePoint {
  readonly clusters: number;
  readonly cpuMs: number;
  /** Half the range of the runs (0 for one run). */
  readonly spreadMs: number;
}

/** The cost per added cluster from one size to the next, give or take `uncertainty`. */
export interface Slope {
  readonly from: number;
  readonly to: number;
  readonly msPerCluster: number;
  readonly uncertainty: number;
}

export type Linearity = 'linear' | 'not linear' | 'undecided';

export interface ScalingVerdict {
  readonly slopes: readonly Slope[];
  /** Linear (or better): no slope exceeds the one before it by more than the tolerance, whatever the runs' noise. */
  readonly linearity: Linearity;
  /** The sentence printed, naming the figures it was computed from. */
  readonly text: string;
}

/**
 * A slope may exceed the one before it by this fraction and still count as not growing: a synth's CPU at 1,000
 * clusters that is 25 % more per cluster than at 100 is the first sign of a cost that grows with the square.
 */
export const SLOPE_TOLERANCE = 0.25;

const f2 = (n: number) => n.toFixed(2);

/** The most a slope may be, given the one before it. */
const ceiling = (before: number, tolerance: number) => Math.max(before, 0) * (1 + tolerance);

/** The slopes between consecutive sizes (sorted by clusters) and the verdict on them. */
export function scalingVerdict(points: readonly ScalePoint[], tolerance: number = SLOPE_TOLERANCE): ScalingVerdict {
  const sorted = [...points].sort((a, b) => a.clusters - b.clusters);
  if (sorted.length < 3) throw new Error(`a verdict on scaling needs 3 sizes or more, got ${sorted.length}`);
  const slopes = sorted.slice(1).map((b, i): Slope => {
    const a = sorted[i];
    const n = b.clusters - a.clusters;
    return {
      from: a.clusters,
      to: b.clusters,
      msPerCluster: (b.cpuMs - a.cpuMs) / n,
      uncertainty: (a.spreadMs + b.spreadMs) / n,
    };
  });
  const pairs = slopes.slice(1).map((after, i) => ({ before: slopes[i], after }));
  // grows even at the most favourable ends of the uncertainties; holds even at the least favourable ones
  const grows = pairs.filter(
    ({ before, after }) =>
      after.msPerCluster - after.uncertainty > ceiling(before.msPerCluster + before.uncertainty, tolerance),
  );
  const holds = pairs.every(
    ({ before, after }) =>
      after.msPerCluster + after.uncertainty <= ceiling(before.msPerCluster - before.uncertainty, tolerance),
  );
  const linearity: Linearity = grows.length ? 'not linear' : holds ? 'linear' : 'undecided';
  const figures = slopes
    .map((s) => `${f2(s.msPerCluster)} ± ${f2(s.uncertainty)} ms from ${s.from} to ${s.to}`)
    .join(', ');
  const verdict = {
    'not linear': `NOT linear, the slope grows (${grows
      .map(({ before, after }) => `${f2(before.msPerCluster)} -> ${f2(after.msPerCluster)} ms`)
      .join(', ')}) by more than ${tolerance * 100} %`,
    linear: `linear or better, no slope grows by more than ${tolerance * 100} %`,
    undecided: `undecided, the runs vary too much to tell whether the slope grows by more than ${tolerance * 100} % (more --runs, or an idle machine)`,
  }[linearity];
  return { slopes, linearity, text: `cost per cluster: ${figures}: ${verdict}` };
}
