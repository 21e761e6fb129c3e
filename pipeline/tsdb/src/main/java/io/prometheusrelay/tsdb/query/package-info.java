/**
 * Reading: each source (a block, the head) selects the series its postings give for the matchers,
 * in label order, with their chunks in a time range; the querier merges sources series by series and
 * each series' chunks sample by sample, overlapping or not.
 */
@NullMarked
package io.prometheusrelay.tsdb.query;

import org.jspecify.annotations.NullMarked;
