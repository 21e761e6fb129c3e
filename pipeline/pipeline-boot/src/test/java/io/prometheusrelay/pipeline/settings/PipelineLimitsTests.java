package io.prometheusrelay.pipeline.settings;

import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheusrelay.testsupport.Closeables;
import io.prometheusrelay.transport.BatchOutcome;
import io.prometheusrelay.transport.RelayClient;
import io.prometheusrelay.transport.RelayServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import org.springframework.boot.ssl.DefaultSslBundleRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The largest batch the receiver accepts by default crosses a relay hop with its default settings. */
class PipelineLimitsTests {

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@Test
	void aBatchOfTheLargestSizeIsAcknowledgedByARelayServerWithTheDefaultFrameLimit() {
		// Until both came from PipelineLimits, this batch was NACKed as never retryable: 64 MiB of payload
		// and 18 bytes of framing over a 64 MiB frame limit.
		RelayServerProperties server = RelayServerProperties.listeningOn(0);
		server.setHost("127.0.0.1");
		RelayServer relayServer = this.closeables.add(RelayServer.start(server.toOptions("api-server", new DefaultSslBundleRegistry()),
				batch -> Mono.just((batch.length == PipelineLimits.MAX_BATCH.toBytes()) ? BatchOutcome.ack()
						: BatchOutcome.nack("unexpected size " + batch.length, false)),
				new SimpleMeterRegistry()));
		RelayClientProperties client = new RelayClientProperties();
		client.setAckTimeout(Duration.ofSeconds(30));
		RelayClient relayClient = this.closeables.add(new RelayClient("api-server", "127.0.0.1", relayServer.port(),
				client.toOptions(new DefaultSslBundleRegistry(), "api-server"), new SimpleMeterRegistry()).start());
		await().atMost(Duration.ofSeconds(10)).until(relayClient::isConnected);
		byte[] largest = new byte[Math.toIntExact(PipelineLimits.MAX_BATCH.toBytes())];
		assertThat(relayClient.send(largest).block(Duration.ofSeconds(60))).isEqualTo(BatchOutcome.ack());
	}

}
