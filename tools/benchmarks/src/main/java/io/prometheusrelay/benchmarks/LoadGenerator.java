package io.prometheusrelay.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import javax.net.ssl.SSLContext;

import org.jspecify.annotations.Nullable;

/**
 * Sends remote-write requests from {@code concurrency} threads as fast as the receiver answers:
 * request n carries series chunk {@code n mod chunks} at round {@code n / chunks}, so every series
 * gets one new sample per round with increasing timestamps, as from a real Prometheus.
 */
final class LoadGenerator {

	/** What one measured run saw. */
	record Result(long requests, long acceptedSamples, long errors, Duration elapsed, long p50Micros, long p99Micros,
			String errorSample, long ackedRequestsInAll, long acceptedBodyBytes) {

		double samplesPerSecond() {
			return this.acceptedSamples / (this.elapsed.toNanos() / 1e9);
		}

		/** Compressed request bytes on the wire per sample (or histogram), over the accepted requests. */
		double wireBytesPerSample() {
			return (this.acceptedSamples == 0) ? 0 : (double) this.acceptedBodyBytes / this.acceptedSamples;
		}

	}

	private final SeriesSet series;

	private final int samplesPerRequest;

	private final int concurrency;

	private final long baseTimestamp = System.currentTimeMillis() - 60_000;

	private volatile boolean stopped;

	/** Nanoseconds between two requests of all threads together; 0 sends as fast as answers come. */
	private final long pacingNanos;

	private final RemoteWriteFormat format;

	/** Native histograms in place of float samples. */
	private final boolean histograms;

	LoadGenerator(SeriesSet series, int samplesPerRequest, int concurrency) {
		this(series, samplesPerRequest, concurrency, 0);
	}

	/** Remote-write 1.0 float samples, paced to {@code samplesPerSecond} in all (0: as fast as the receiver answers). */
	LoadGenerator(SeriesSet series, int samplesPerRequest, int concurrency, double samplesPerSecond) {
		this(series, samplesPerRequest, concurrency, samplesPerSecond, RemoteWriteFormat.V1, false);
	}

	LoadGenerator(SeriesSet series, int samplesPerRequest, int concurrency, double samplesPerSecond,
			RemoteWriteFormat format, boolean histograms) {
		this.series = series;
		this.samplesPerRequest = samplesPerRequest;
		this.concurrency = concurrency;
		this.pacingNanos = (samplesPerSecond > 0) ? (long) (1e9 * samplesPerRequest / samplesPerSecond) : 0;
		this.format = format;
		this.histograms = histograms;
	}

	/** Ends a run early: the requests in progress finish, no new ones start. */
	void stop() {
		this.stopped = true;
	}

	/** Sends for {@code warmup} unmeasured, then for {@code measured}, and reports the measured part. */
	Result run(String url, Duration warmup, Duration measured) throws InterruptedException {
		return run(url, null, warmup, measured);
	}

	/** The same over HTTPS with {@code tls} (its certificate and the CA it trusts) when given. */
	Result run(String url, @Nullable SSLContext tls, Duration warmup, Duration measured) throws InterruptedException {
		HttpClient.Builder client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(5));
		if (tls != null) {
			client.sslContext(tls);
		}
		HttpClient http = client.build();
		int chunks = Math.max(1, this.series.size() / this.samplesPerRequest);
		AtomicLong next = new AtomicLong();
		long start = System.nanoTime();
		long measureFrom = start + warmup.toNanos();
		long end = measureFrom + measured.toNanos();
		LongAdder requests = new LongAdder();
		LongAdder samples = new LongAdder();
		LongAdder errors = new LongAdder();
		LongAdder ackedInAll = new LongAdder();
		LongAdder acceptedBytes = new LongAdder();
		List<long[]> latencies = new ArrayList<>();
		ConcurrentHashMap<Integer, String> errorSamples = new ConcurrentHashMap<>();
		CountDownLatch done = new CountDownLatch(this.concurrency);
		for (int t = 0; t < this.concurrency; t++) {
			long[] threadLatencies = new long[1 << 20];
			latencies.add(threadLatencies);
			int thread = t;
			Thread worker = new Thread(() -> {
				RequestBuilder builder = new RequestBuilder(this.series, this.format, this.histograms);
				int recorded = 0;
				try {
					while (true) {
						long now = System.nanoTime();
						if (now >= end || this.stopped) {
							break;
						}
						long n = next.getAndIncrement();
						if (this.pacingNanos > 0) {
							long due = start + n * this.pacingNanos;
							if (due > now) {
								Thread.sleep((due - now) / 1_000_000, (int) ((due - now) % 1_000_000));
							}
						}
						long round = n / chunks;
						int first = (int) ((n % chunks) * this.samplesPerRequest);
						builder.build(first, this.samplesPerRequest, this.baseTimestamp + round, round);
						HttpRequest request = HttpRequest.newBuilder(URI.create(url))
							.timeout(Duration.ofSeconds(60))
							.header("Content-Type", this.format.contentType())
							.header("Content-Encoding", "snappy")
							.header("X-Prometheus-Remote-Write-Version", this.format.versionHeader())
							.POST(HttpRequest.BodyPublishers.ofByteArray(builder.body(), 0, builder.bodyLength()))
							.build();
						long sent = System.nanoTime();
						int status;
						String body = "";
						try {
							HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
							status = response.statusCode();
							body = response.body();
						}
						catch (java.io.IOException ex) {
							status = -1;
							body = ex.toString();
						}
						long answered = System.nanoTime();
						if (status / 100 == 2) {
							ackedInAll.increment();
						}
						if (sent >= measureFrom && answered <= end) {
							requests.increment();
							if (status / 100 == 2) {
								samples.add(this.samplesPerRequest);
								acceptedBytes.add(builder.bodyLength());
								if (recorded < threadLatencies.length) {
									threadLatencies[recorded++] = (answered - sent) / 1000;
								}
							}
							else {
								errors.increment();
								errorSamples.putIfAbsent(thread, status + " " + body.strip());
							}
						}
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				finally {
					threadLatencies[threadLatencies.length - 1] = recorded;
					done.countDown();
				}
			}, "load-" + t);
			worker.setDaemon(true);
			worker.start();
		}
		done.await();
		long[] all = latencies.stream()
			.flatMapToLong(l -> Arrays.stream(l, 0, (int) l[l.length - 1]))
			.sorted()
			.toArray();
		long p50 = all.length == 0 ? 0 : all[all.length / 2];
		long p99 = all.length == 0 ? 0 : all[(int) Math.min(all.length - 1, Math.round(all.length * 0.99))];
		return new Result(requests.sum(), samples.sum(), errors.sum(), measured, p50, p99,
				errorSamples.values().stream().findFirst().orElse(""), ackedInAll.sum(), acceptedBytes.sum());
	}

}
