package io.prometheusrelay.apiserver.catchup;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheusrelay.apiserver.grpc.GrpcReadServer;
import io.prometheusrelay.apiserver.grpc.PrometheusGrpcService;
import io.prometheusrelay.apiserver.grpc.ReadLimits;
import io.prometheusrelay.apiserver.wire.WriteRequestDecoder;
import io.prometheusrelay.protocol.remotewrite.Label;
import io.prometheusrelay.protocol.remotewrite.Sample;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import io.prometheusrelay.protocol.remotewrite.WriteRequest;
import io.prometheusrelay.protocol.replica.BatchEntry;
import io.prometheusrelay.protocol.replica.FetchRequest;
import io.prometheusrelay.protocol.replica.InventoryRequest;
import io.prometheusrelay.protocol.replica.ReplicaGrpc;
import io.prometheusrelay.protocol.replica.BatchInventory;
import io.prometheusrelay.testsupport.Closeables;
import io.prometheusrelay.tsdb.FsyncPolicy;
import io.prometheusrelay.tsdb.Tsdb;
import io.prometheusrelay.tsdb.TsdbOptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The Replica service as a peer, or anyone who can reach the gRPC port, calls it. */
class ReplicaServiceTests {

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@TempDir
	Path dataDir;

	private Tsdb store;

	private ThreadPoolExecutor reads;

	private ReplicaGrpc.ReplicaBlockingStub stub;

	private final ReplicaIdentity identity = ReplicaIdentity.random();

	@BeforeEach
	void serve() throws Exception {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		this.store = this.closeables.add(Tsdb.open(TsdbOptions.defaults(this.dataDir).withFsync(FsyncPolicy.NEVER),
				Clock.systemUTC()));
		this.reads = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(1));
		this.closeables.add(this.reads::shutdownNow);
		GrpcReadServer server = this.closeables.add(GrpcReadServer.start("127.0.0.1", 0,
				new PrometheusGrpcService(this.store, new ReadLimits(16, 16, 32, 1024, 4096, 1000, 256 << 10, 4, 1024), registry),
				Duration.ofSeconds(1), Duration.ofSeconds(1),
				new ReplicaService(this.store, this.identity, this.reads, registry)));
		ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
		this.closeables.add(channel::shutdownNow);
		this.stub = ReplicaGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
		for (int i = 0; i < 3; i++) {
			this.store.append(WriteRequestDecoder.decode(request("m" + i, 1000 + i).toByteArray())).get(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void listsEveryBatchWithItsExtentForAnEmptyRequestAndSaysWhoItIs() {
		List<BatchInventory> inventory = inventory(InventoryRequest.getDefaultInstance());
		assertThat(inventory).allMatch(message -> message.getReplicaId().equals(this.identity.id()));
		assertThat(entries(inventory)).extracting(BatchEntry::getNewestSampleMs).containsExactlyInAnyOrder(1000L, 1001L,
				1002L);
		assertThat(entries(inventory)).allMatch(entry -> entry.getOldestSampleMs() == entry.getNewestSampleMs()
				&& entry.getId().size() == 16 && entry.getStoredMs() > 0);
	}

	@Test
	void leavesOutBatchesOutsideTheAskedHorizonAndThoseStoredTooRecently() {
		assertThat(entries(inventory(InventoryRequest.newBuilder().setNewestSampleAfterMs(1000).build())))
			.extracting(BatchEntry::getNewestSampleMs)
			.containsExactlyInAnyOrder(1001L, 1002L);
		assertThat(entries(inventory(InventoryRequest.newBuilder().setStoredBeforeMs(1).build()))).isEmpty();
	}

	@Test
	void fetchesEverySampleInARangeAndRefusesAnInvertedOne() throws Exception {
		List<TimeSeries> series = new ArrayList<>();
		this.stub.fetch(FetchRequest.newBuilder().setStartMs(1001).setEndMs(1002).build())
			.forEachRemaining(message -> series.addAll(message.getTimeseriesList()));
		assertThat(series).containsExactlyInAnyOrder(request("m1", 1001).getTimeseries(0),
				request("m2", 1002).getTimeseries(0));
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> this.stub.fetch(FetchRequest.newBuilder().setStartMs(2).setEndMs(1).build()).hasNext())
			.satisfies(ex -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
	}

	@Test
	void refusesCallsPastItsReadQueueInsteadOfQueueingThemAll() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		// One reader thread busy and its one-place queue taken: the next call is refused.
		this.reads.execute(() -> await(release));
		this.reads.execute(() -> {
		});
		try {
			assertThatExceptionOfType(StatusRuntimeException.class)
				.isThrownBy(() -> this.stub.inventory(InventoryRequest.getDefaultInstance()).hasNext())
				.satisfies(ex -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
		}
		finally {
			release.countDown();
		}
	}

	private List<BatchInventory> inventory(InventoryRequest request) {
		List<BatchInventory> messages = new ArrayList<>();
		this.stub.inventory(request).forEachRemaining(messages::add);
		return messages;
	}

	private static List<BatchEntry> entries(List<BatchInventory> inventory) {
		return inventory.stream().flatMap(message -> message.getBatchesList().stream()).toList();
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static WriteRequest request(String name, long timestamp) {
		return WriteRequest.newBuilder()
			.addTimeseries(TimeSeries.newBuilder()
				.addLabels(Label.newBuilder().setName("__name__").setValue(name))
				.addSamples(Sample.newBuilder().setValue(1).setTimestamp(timestamp)))
			.build();
	}

}
