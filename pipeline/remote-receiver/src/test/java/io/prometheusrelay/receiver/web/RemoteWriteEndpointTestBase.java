package io.prometheusrelay.receiver.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheusrelay.protocol.remotewrite.Histogram;
import io.prometheusrelay.protocol.remotewrite.Label;
import io.prometheusrelay.protocol.remotewrite.Sample;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import io.prometheusrelay.protocol.remotewrite.WriteRequest;
import io.prometheusrelay.transport.BatchOutcome;
import io.prometheusrelay.transport.RelayServer;
import io.prometheusrelay.transport.RelayServerOptions;
import io.prometheusrelay.receiver.ReceiverApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.xerial.snappy.Snappy;
import reactor.core.publisher.Mono;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the remote-write endpoint's tests share: a receiver over real HTTP, relaying to a real relay
 * server that stands in for the forwarder and records every batch, and the requests they send.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RemoteWriteEndpointTestBase {

	final List<WriteRequest> relayed = new CopyOnWriteArrayList<>();

	volatile Function<byte[], Mono<BatchOutcome>> forwarder = batch -> Mono.just(BatchOutcome.ack());

	RelayServer forwarderServer;

	ConfigurableApplicationContext receiver;

	final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	String baseUrl;

	@BeforeAll
	void start() {
		this.forwarderServer = RelayServer.start(
				new RelayServerOptions("forwarder", "127.0.0.1", 0, 64 << 20, 64, Duration.ofSeconds(60), Duration.ofSeconds(5)), batch -> {
					try {
						this.relayed.add(WriteRequest.parseFrom(batch));
					}
					catch (Exception ex) {
						return Mono.error(ex);
					}
					return this.forwarder.apply(batch);
				}, new SimpleMeterRegistry());
		this.receiver = ReceiverApplication.application()
			.run("--server.port=0", "--relay.receiver.limits.max-body-size=1MB",
					"--relay.receiver.ack-deadline=2s", "--relay.receiver.forwarders.client.ack-timeout=1s",
					"--spring.cloud.discovery.client.simple.instances.forwarder[0].uri=http://127.0.0.1:"
							+ this.forwarderServer.port());
		this.baseUrl = "http://127.0.0.1:" + this.receiver.getEnvironment().getProperty("local.server.port");
		await().atMost(Duration.ofSeconds(10)).until(() -> post("/api/v1/write", snappy(valid())).statusCode() == 204);
	}

	@AfterAll
	void stop() {
		this.receiver.close();
		this.forwarderServer.close();
	}

	@BeforeEach
	void reset() {
		this.relayed.clear();
		this.forwarder = batch -> Mono.just(BatchOutcome.ack());
	}

	void assertStillServing() throws Exception {
		this.forwarder = batch -> Mono.just(BatchOutcome.ack());
		assertThat(post("/api/v1/write", snappy(valid())).statusCode()).isEqualTo(204);
		this.relayed.clear();
	}

	HttpResponse<String> post(String path, byte[] body) throws Exception {
		return send(request(path, body).header("Content-Type", "application/x-protobuf")
			.header("Content-Encoding", "snappy")
			.header("X-Prometheus-Remote-Write-Version", "0.1.0"));
	}

	HttpRequest.Builder request(String path, byte[] body) {
		return HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.timeout(Duration.ofSeconds(10))
			.POST(HttpRequest.BodyPublishers.ofByteArray(body));
	}

	HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
	}

	static WriteRequest valid() {
		return request(series(sample(1), "__name__", "up", "job", "node", "instance", "a:9100"));
	}

	static Sample sample(double value) {
		return Sample.newBuilder().setValue(value).setTimestamp(System.currentTimeMillis()).build();
	}

	static TimeSeries series(Sample sample, String... labels) {
		TimeSeries.Builder builder = TimeSeries.newBuilder().addSamples(sample);
		for (int i = 0; i < labels.length; i += 2) {
			builder.addLabels(Label.newBuilder().setName(labels[i]).setValue(labels[i + 1]));
		}
		return builder.build();
	}

	/** A series of one native histogram, stamped now. */
	static TimeSeries histogramSeries(Histogram histogram, String... labels) {
		TimeSeries.Builder builder = TimeSeries.newBuilder()
			.addHistograms(histogram.toBuilder().setTimestamp(System.currentTimeMillis()));
		for (int i = 0; i < labels.length; i += 2) {
			builder.addLabels(Label.newBuilder().setName(labels[i]).setValue(labels[i + 1]));
		}
		return builder.build();
	}

	static WriteRequest request(TimeSeries... series) {
		return WriteRequest.newBuilder().addAllTimeseries(List.of(series)).build();
	}

	static byte[] snappy(WriteRequest request) throws Exception {
		return snappy(request.toByteArray());
	}

	static byte[] snappy(byte[] bytes) throws Exception {
		return Snappy.compress(bytes);
	}

	static byte[] framed(byte[] bytes) throws Exception {
		java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
		try (org.xerial.snappy.SnappyFramedOutputStream framed = new org.xerial.snappy.SnappyFramedOutputStream(out)) {
			framed.write(bytes);
		}
		return out.toByteArray();
	}

}
