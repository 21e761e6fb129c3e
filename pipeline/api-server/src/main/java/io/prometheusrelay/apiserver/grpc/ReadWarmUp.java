package io.prometheusrelay.apiserver.grpc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.google.re2j.Pattern;
import io.prometheusrelay.protocol.api.GetMetricsRequest;
import io.prometheusrelay.protocol.api.ReadMode;
import io.prometheusrelay.protocol.remotewrite.LabelMatcher;
import io.prometheusrelay.tsdb.Tsdb;
import io.prometheusrelay.tsdb.block.Block;
import io.prometheusrelay.tsdb.head.HeadSeries;
import org.jspecify.annotations.Nullable;

/**
 * Serves RANGE calls to no one before the gRPC server takes calls, so that a client's first RANGE
 * after a start finds the read path loaded and compiled instead of paying for it. Measured
 * (BENCHMARKS.md, "The first RANGE after a start"): without it, the first RANGE after a start took
 * 137–152 ms on the server, where the same call took 7–22 ms once the code had run.
 * <p>
 * It reads the newest five minutes of the head, and the last five minutes of the newest block, for
 * the series that share a name with one series of the head, through the same selection (a pattern,
 * as dashboards send), reading, metadata and encoding as a call, and drops the messages. It stops
 * a range after the message that reaches {@value #MAX_SERIES} series, and at a time budget whatever
 * the store holds.
 */
final class ReadWarmUp {

	/** Series read from each range at most: about what a panel of a dashboard asks for. */
	static final int MAX_SERIES = 1000;

	/** The longest a warm-up takes, whatever the store holds. */
	static final Duration BUDGET = Duration.ofSeconds(1);

	/** Head series looked at for one with a name. */
	private static final int NAMES_LOOKED_AT = 100;

	private static final long FIVE_MINUTES = Duration.ofMinutes(5).toMillis();

	private final Tsdb tsdb;

	private final Function<GetMetricsRequest, MessageSource> calls;

	/**
	 * @param calls opens a RANGE call's messages as the service does
	 */
	ReadWarmUp(Tsdb tsdb, Function<GetMetricsRequest, MessageSource> calls) {
		this.tsdb = tsdb;
		this.calls = calls;
	}

	/** Reads, for at most {@code budget}; what it read. A store with nothing in its head has nothing to read. */
	Result run(Duration budget) throws InterruptedException {
		long started = System.nanoTime();
		long deadline = started + budget.toNanos();
		String name = someName();
		int series = 0;
		long bytes = 0;
		if (name != null) {
			for (long[] range : ranges()) {
				if (System.nanoTime() >= deadline) {
					break;
				}
				MessageSource messages = this.calls.apply(request(name, range[0], range[1]));
				try {
					Semaphore available = new Semaphore(0);
					messages.series.onAvailable(available::release);
					int read = 0;
					while (read < MAX_SERIES && !messages.isExhausted() && messages.series.failure().isEmpty()
							&& System.nanoTime() < deadline) {
						EncodedMessage message = messages.build();
						if (message != null) {
							read += messages.seriesInLastMessage();
							bytes += message.size();
						}
						else {
							available.tryAcquire(10, TimeUnit.MILLISECONDS);
						}
					}
					series += read;
				}
				finally {
					messages.close();
				}
			}
		}
		return new Result(series, bytes, Duration.ofNanos(System.nanoTime() - started));
	}

	/** The metric name of one of the first series of the head that has one. */
	private @Nullable String someName() {
		Iterator<HeadSeries> series = this.tsdb.head().allSeries().iterator();
		for (int i = 0; i < NAMES_LOOKED_AT && series.hasNext(); i++) {
			String name = series.next().labels().get("__name__");
			if (name != null) {
				return name;
			}
		}
		return null;
	}

	/** The head's newest five minutes, once it has a sample, and the newest block's last five. */
	private List<long[]> ranges() {
		List<long[]> ranges = new ArrayList<>();
		long headEnd = this.tsdb.head().maxTime();
		if (headEnd != Long.MIN_VALUE) {
			ranges.add(new long[] { headEnd - FIVE_MINUTES, headEnd });
		}
		// A block's maxTime is the last millisecond it holds.
		this.tsdb.blocks().stream().mapToLong(Block::maxTime).max().ifPresent(blockEnd -> ranges.add(new long[] {
				blockEnd - FIVE_MINUTES, blockEnd }));
		return ranges;
	}

	private static GetMetricsRequest request(String name, long start, long end) {
		return GetMetricsRequest.newBuilder()
			.setMode(ReadMode.RANGE)
			.setStartTimestampMs(start)
			.setEndTimestampMs(end)
			.addMatchers(LabelMatcher.newBuilder()
				.setType(LabelMatcher.Type.RE)
				.setName("__name__")
				.setValue("(?:" + Pattern.quote(name) + ")"))
			.build();
	}

	/**
	 * What a warm-up read.
	 * @param series series read, over both ranges
	 * @param bytes bytes of the messages built
	 * @param took how long it took
	 */
	record Result(int series, long bytes, Duration took) {
	}

}
