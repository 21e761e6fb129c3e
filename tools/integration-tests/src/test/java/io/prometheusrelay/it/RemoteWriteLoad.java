package io.prometheusrelay.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.prometheusrelay.protocol.remotewrite.Label;
import io.prometheusrelay.protocol.remotewrite.Sample;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import io.prometheusrelay.protocol.remotewrite.WriteRequest;
import org.xerial.snappy.Snappy;

/**
 * A steady remote-write sender that behaves as Prometheus does: every request is retried after a
 * 5xx or a connection failure until it is answered 2xx; a 4xx is a test failure. Each request has
 * its own series, so the test can tell exactly which samples were acknowledged and when.
 */
final class RemoteWriteLoad implements AutoCloseable {

	static final int SERIES_PER_REQUEST = 10;

	/**
	 * Samples are stamped from an hour before the test ran, as a live Prometheus stamps them: recent
	 * enough for every replica's retention horizon, which catching up from a peer respects.
	 */
	private static final long BASE_TIMESTAMP = System.currentTimeMillis() - Duration.ofHours(1).toMillis();

	/**
	 * Request {@code n} is stamped {@code n} steps after the base: a few hundred requests a second
	 * span seconds of sample time, so that api-servers with short blocks cut them while a test runs
	 * (and an hour of it is over 100,000 requests).
	 */
	private static final long TIMESTAMP_STEP_MS = 25;

	/** A request that was answered 2xx: when it was first sent and when it was acknowledged. */
	record Acked(long sequence, long firstSentNanos, long ackedNanos) {
	}

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final String url;

	private final ExecutorService workers;

	private final AtomicLong nextSequence = new AtomicLong();

	private final AtomicInteger retries = new AtomicInteger();

	private final List<Acked> acked = new CopyOnWriteArrayList<>();

	private final List<String> failures = new CopyOnWriteArrayList<>();

	private volatile boolean running = true;

	RemoteWriteLoad(String url, int concurrency, Duration pause) {
		this.url = url;
		this.workers = Executors.newFixedThreadPool(concurrency);
		for (int i = 0; i < concurrency; i++) {
			this.workers.submit(() -> {
				while (this.running) {
					sendUntilAcked(this.nextSequence.getAndIncrement());
					sleep(pause);
				}
			});
		}
	}

	private void sendUntilAcked(long sequence) {
		byte[] body = body(sequence);
		long firstSent = System.nanoTime();
		while (true) {
			try {
				HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(this.url))
					.timeout(Duration.ofSeconds(30))
					.header("Content-Type", "application/x-protobuf")
					.header("Content-Encoding", "snappy")
					.header("X-Prometheus-Remote-Write-Version", "0.1.0")
					.POST(HttpRequest.BodyPublishers.ofByteArray(body))
					.build(), HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() / 100 == 2) {
					this.acked.add(new Acked(sequence, firstSent, System.nanoTime()));
					return;
				}
				if (response.statusCode() / 100 == 4) {
					this.failures.add("request " + sequence + ": " + response.statusCode() + " " + response.body());
					return;
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (Exception ex) {
				// Connection refused or reset: retry, as Prometheus does.
			}
			this.retries.incrementAndGet();
			sleep(Duration.ofMillis(100));
		}
	}

	static byte[] body(long sequence) {
		WriteRequest.Builder request = WriteRequest.newBuilder();
		for (int part = 0; part < SERIES_PER_REQUEST; part++) {
			request.addTimeseries(TimeSeries.newBuilder()
				.addLabels(Label.newBuilder().setName("__name__").setValue("loss_test"))
				.addLabels(Label.newBuilder().setName("part").setValue(Integer.toString(part)))
				.addLabels(Label.newBuilder().setName("seq").setValue(Long.toString(sequence)))
				.addSamples(Sample.newBuilder().setValue(sequence).setTimestamp(timestamp(sequence))));
		}
		try {
			return Snappy.compress(request.build().toByteArray());
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static long timestamp(long sequence) {
		return BASE_TIMESTAMP + sequence * TIMESTAMP_STEP_MS;
	}

	/** The samples of one request as {@link ReplicaContents#rangeRead} spells them. */
	static List<String> samples(long sequence) {
		List<String> samples = new java.util.ArrayList<>();
		for (int part = 0; part < SERIES_PER_REQUEST; part++) {
			var key = io.prometheusrelay.tsdb.model.Labels.of("__name__", "loss_test", "part", Integer.toString(part), "seq",
					Long.toString(sequence));
			samples.add(key + "@" + timestamp(sequence) + "=" + (double) sequence);
		}
		return samples;
	}

	List<Acked> acked() {
		return List.copyOf(this.acked);
	}

	List<String> failures() {
		return List.copyOf(this.failures);
	}

	int retries() {
		return this.retries.get();
	}

	long sent() {
		return this.nextSequence.get();
	}

	/** Stops starting new requests and waits for those in progress to be acknowledged. */
	@Override
	public void close() throws InterruptedException {
		this.running = false;
		this.workers.shutdown();
		if (!this.workers.awaitTermination(60, TimeUnit.SECONDS)) {
			this.workers.shutdownNow();
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
