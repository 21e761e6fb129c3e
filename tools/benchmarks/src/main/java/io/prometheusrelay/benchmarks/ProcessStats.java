package io.prometheusrelay.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU seconds and peak resident memory of a process, from Linux's /proc. */
record ProcessStats(double cpuSeconds, long peakRssBytes) {

	/** Clock ticks per second of /proc/PID/stat (USER_HZ, 100 on Linux). */
	private static final double TICKS = 100.0;

	static ProcessStats of(long pid) throws IOException {
		String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
		// Fields after the command name, which is in parentheses and may hold spaces.
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		double cpu = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS;
		long peakKb = 0;
		for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
			if (line.startsWith("VmHWM:")) {
				peakKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
			}
		}
		return new ProcessStats(cpu, peakKb * 1024);
	}

	ProcessStats minus(ProcessStats earlier) {
		return new ProcessStats(this.cpuSeconds - earlier.cpuSeconds, this.peakRssBytes);
	}

}
