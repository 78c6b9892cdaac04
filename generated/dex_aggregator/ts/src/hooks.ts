// The team's own code for `dex_aggregator`: the hooks its spec names. xccgen wrote this file
// once and never overwrites it (not even with `--force`); on every `generate` and `build` it
// checks that each hook is here with the signature the spec gives it.

/**
 * The least the swap may fill for: the best quote less the slippage allowance. A quote that
 * no other pool confirms is trusted less, so with one quote the allowance is halved. A best
 * quote of 0 leaves nothing to swap for: refused (the flow rolls back and refunds).
 */
export function swap_floor(
  best_quote: string,
  quotes: number,
  max_slippage_bps: number,
): string {
  const best = BigInt(best_quote);
  if (best === 0n) {
    throw new Error("The best quote is 0: there is nothing to swap for");
  }
  const bps = quotes < 2 ? Math.floor(max_slippage_bps / 2) : max_slippage_bps;
  const kept = BigInt(10_000 - Math.min(bps, 10_000));
  // best * kept / 10_000, split as in the Rust build (bigints cannot overflow, but the
  // rounding must be the same).
  return (
    (best / 10_000n) * kept +
    ((best % 10_000n) * kept) / 10_000n
  ).toString();
}
