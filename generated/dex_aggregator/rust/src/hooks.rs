//! The team's own code for `dex_aggregator`: the hooks its spec names. xccgen wrote this file
//! once and never overwrites it (not even with `--force`); on every `generate` and `build` it
//! checks that each hook is here with the signature the spec gives it.

use near_sdk::json_types::U128;

/// The least the swap may fill for: the best quote less the slippage allowance. A quote that
/// no other pool confirms is trusted less, so with one quote the allowance is halved. A best
/// quote of 0 leaves nothing to swap for: refused (the flow rolls back and refunds).
pub fn swap_floor(best_quote: U128, quotes: u32, max_slippage_bps: u32) -> Result<U128, String> {
    if best_quote.0 == 0 {
        return Err("The best quote is 0: there is nothing to swap for".to_string());
    }
    let bps = if quotes < 2 {
        max_slippage_bps / 2
    } else {
        max_slippage_bps
    };
    let kept = u128::from(10_000 - bps.min(10_000));
    // best_quote * kept / 10_000, split so that no product can overflow u128.
    let floor = best_quote.0 / 10_000 * kept + best_quote.0 % 10_000 * kept / 10_000;
    Ok(U128(floor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_quote_gets_half_the_allowance() {
        assert_eq!(swap_floor(U128(1000), 1, 100), Ok(U128(995)));
    }

    #[test]
    fn two_quotes_get_all_of_it() {
        assert_eq!(swap_floor(U128(1000), 2, 100), Ok(U128(990)));
    }

    #[test]
    fn the_largest_quote_does_not_overflow() {
        let floor = swap_floor(U128(u128::MAX), 2, 100).unwrap().0;
        assert_eq!(
            floor,
            u128::MAX / 10_000 * 9_900 + u128::MAX % 10_000 * 9_900 / 10_000
        );
    }

    #[test]
    fn a_zero_quote_is_refused() {
        assert!(swap_floor(U128(0), 3, 100).is_err());
    }
}
