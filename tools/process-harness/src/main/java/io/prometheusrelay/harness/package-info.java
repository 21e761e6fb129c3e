/**
 * Processes that tests and benchmarks start on this machine: free loopback ports, and child
 * processes with their output in a log file, stopped by PID. No test framework.
 */
@NullMarked
package io.prometheusrelay.harness;

import org.jspecify.annotations.NullMarked;
