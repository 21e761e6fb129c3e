package io.prometheusrelay.apiserver.intake;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import io.prometheusrelay.apiserver.wire.BatchIdentity;
import io.prometheusrelay.protocol.frame.BatchDigest;
import io.prometheusrelay.protocol.remotewrite.Label;
import io.prometheusrelay.protocol.remotewrite.Sample;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import io.prometheusrelay.protocol.remotewrite.WriteRequest;
import io.prometheusrelay.transport.BatchOutcome;
import io.prometheusrelay.tsdb.Tsdb;
import io.prometheusrelay.tsdb.TsdbOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch is stored under the digest the forwarder sent with it, which is the digest the api-server
 * computes itself for a batch sent without one: the same batch is held once whichever way it came.
 */
class StoreBatchHandlerTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@TempDir
	Path dir;

	private Tsdb tsdb;

	private StoreBatchHandler handler;

	@BeforeEach
	void open() throws Exception {
		this.tsdb = Tsdb.open(TsdbOptions.defaults(this.dir), Clock.systemUTC());
		this.handler = new StoreBatchHandler(this.tsdb);
	}

	@AfterEach
	void close() throws Exception {
		this.tsdb.close();
	}

	@Test
	void takesTheDigestTheForwarderSentAsSent() {
		assertThat(this.handler.usesDigests()).isTrue();
		BatchDigest sent = new BatchDigest(7, 8);
		assertThat(this.handler.handle(request(3_000), sent).block(WAIT)).isEqualTo(BatchOutcome.ack());
		assertThat(this.tsdb.holds(BatchIdentity.of(sent))).isTrue();
	}

	@Test
	void storesTheSameBatchOnceWhetherItCameWithItsDigestOrWithout() {
		byte[] batch = request(1_000);
		BatchDigest digest = BatchDigest.of(batch);
		assertThat(this.handler.handle(batch, digest).block(WAIT)).isEqualTo(BatchOutcome.ack());
		assertThat(this.tsdb.holds(BatchIdentity.of(digest))).isTrue();
		assertThat(this.handler.handle(batch).block(WAIT)).isEqualTo(BatchOutcome.ack());
		assertThat(this.tsdb.metrics().batchesDuplicate.sum()).isEqualTo(1);
		assertThat(this.tsdb.batchCount()).isEqualTo(1);
	}

	@Test
	void computesTheDigestOfABatchSentWithout() {
		byte[] batch = request(2_000);
		assertThat(this.handler.handle(batch, null).block(WAIT)).isEqualTo(BatchOutcome.ack());
		assertThat(this.tsdb.holds(BatchIdentity.of(BatchDigest.of(batch)))).isTrue();
	}

	private static byte[] request(long timestamp) {
		return WriteRequest.newBuilder()
			.addTimeseries(TimeSeries.newBuilder()
				.addLabels(Label.newBuilder().setName("__name__").setValue("up"))
				.addLabels(Label.newBuilder().setName("job").setValue("a"))
				.addSamples(Sample.newBuilder().setTimestamp(System.currentTimeMillis() - timestamp).setValue(1)))
			.build()
			.toByteArray();
	}

}
