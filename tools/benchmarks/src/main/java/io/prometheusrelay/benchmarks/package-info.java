/** Benchmark programs; see BENCHMARKS.md. */
@NullMarked
package io.prometheusrelay.benchmarks;

import org.jspecify.annotations.NullMarked;
