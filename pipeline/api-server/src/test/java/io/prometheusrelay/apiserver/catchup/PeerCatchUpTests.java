package io.prometheusrelay.apiserver.catchup;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheusrelay.apiserver.grpc.GrpcAuthentication;
import io.prometheusrelay.apiserver.grpc.GrpcEndpoint;
import io.prometheusrelay.apiserver.grpc.GrpcTls;
import io.prometheusrelay.protocol.remotewrite.Label;
import io.prometheusrelay.protocol.remotewrite.Sample;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import io.prometheusrelay.protocol.remotewrite.WriteRequest;
import io.prometheusrelay.harness.FreePorts;
import io.prometheusrelay.harness.TestPki;
import io.prometheusrelay.pipeline.auth.AuthProperties;
import io.prometheusrelay.pipeline.auth.Credentials;
import io.prometheusrelay.pipeline.tls.ServerTlsProperties;
import io.prometheusrelay.testsupport.Closeables;
import io.prometheusrelay.testsupport.SmallFileSystem;
import io.prometheusrelay.tsdb.block.Block;
import io.prometheusrelay.tsdb.model.BatchId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Replicas with their own stores and gRPC servers on loopback, catching up from each other over
 * the Replica service, as api-servers do (over mutual TLS with a token too): every assertion is
 * about one replica's own store.
 */
class PeerCatchUpTests {

	static final String SERVICE = "prometheus-api-server";

	@TempDir
	Path workDir;

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@Test
	void anEmptyReplicaNextToAFullPeerReachesThePeersContentsAndSkipsItself() throws Exception {
		LoopbackReplica full = replica("full", this.workDir.resolve("full"));
		long now = System.currentTimeMillis();
		for (int i = 0; i < 60; i++) {
			full.append(request("m" + i, 1_000, now - 60_000 + i));
		}
		LoopbackReplica empty = replica("empty", this.workDir.resolve("empty"));
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		// One list for both, as a Consul service is: the replica finds itself in it.
		PeerCatchUp catchUp = catchUp(empty, registry, Duration.ZERO, full, empty);

		await().atMost(Duration.ofSeconds(20)).until(catchUp::converged);
		assertThat(empty.ids()).isEqualTo(full.ids()).hasSize(60);
		assertThat(empty.samples()).isEqualTo(full.samples()).hasSize(60);
		assertThat(catchUp.status()).filteredOn(PeerReport::self).extracting(PeerReport::address)
			.containsExactly(empty.address());
		PeerReport fromFull = report(catchUp, full);
		assertThat(fromFull.copiedBatches()).isEqualTo(60);
		assertThat(fromFull.copiedSamples()).isEqualTo(60);
		assertThat(fromFull.lackingBatches()).isZero();
		assertThat(registry.get("relay.catchup.copied.batches").tag("peer", full.address()).functionCounter().count())
			.isEqualTo(60);
		assertThat(registry.get("relay.catchup.lacking.batches").tag("peer", full.address()).gauge().value()).isZero();

		// The forwarder delivering one of them later, or the peer offering them again, stores nothing more.
		empty.append(request("m7", 1_000, now - 60_000 + 7));
		assertThat(empty.ids()).hasSize(60);
		assertThat(empty.samples()).isEqualTo(full.samples());
		assertThat(empty.store.metrics().batchesDuplicate.sum()).isEqualTo(1);
	}

	@Test
	void reportsExactlyWhatItLacksWhileItsDiskIsFull() throws Exception {
		LoopbackReplica full = replica("full", this.workDir.resolve("full"));
		long now = System.currentTimeMillis();
		for (int i = 0; i < 40; i++) {
			full.append(request("m" + i, 20_000, now - 60_000 + i));
		}
		try (SmallFileSystem disk = SmallFileSystem.mount(this.workDir.resolve("small"), "256k")) {
			LoopbackReplica cramped = replica("cramped", disk.path().resolve("data"));
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			PeerCatchUp catchUp = catchUp(cramped, registry, Duration.ZERO, full);

			// Exactly what it lacks, once the copies it could not store have failed.
			await().atMost(Duration.ofSeconds(20)).until(() -> {
				PeerReport report = report(catchUp, full);
				return report.lastError() != null && report.lastError().startsWith("store:")
						&& report.lackingBatches() == lacking(full, cramped).size();
			});
			Set<BatchId> lacking = lacking(full, cramped);
			// A range's batches are recorded once all of its samples are stored: here, none could be.
			assertThat(lacking).isNotEmpty();
			assertThat(registry.get("relay.catchup.lacking.batches").tag("peer", full.address()).gauge().value())
				.isEqualTo(lacking.size());
			assertThat(registry.get("relay.catchup.failures").tag("peer", full.address()).functionCounter().count())
				.isPositive();
			assertThat(catchUp.converged()).isFalse();
			assertThat(new CatchUpHealthIndicator(catchUp).health().getDetails()).containsEntry("converged", false);
			catchUp.close();
			cramped.close();
		}
	}

	@Test
	void neverCopiesWhatItsRetentionDeletedOrIsAboutToDeleteOrWhatTheForwarderIsStillBringing() throws Exception {
		LoopbackReplica full = replica("full", this.workDir.resolve("full"));
		long now = System.currentTimeMillis();
		full.append(request("older-than-retention", 1_000, now - Duration.ofDays(2).toMillis()));
		full.append(request("below-the-floor", 1_000, now - Duration.ofHours(3).toMillis()));
		full.append(request("wanted", 1_000, now - Duration.ofHours(1).toMillis()));
		Path dataDir = this.workDir.resolve("behind");
		Files.createDirectories(dataDir);
		// What this replica's own retention deleted reached samples two hours old.
		Files.writeString(dataDir.resolve("retention-floor"), (now - Duration.ofHours(2).toMillis()) + "\n",
				StandardCharsets.US_ASCII);
		LoopbackReplica behind = replica("behind", dataDir);
		PeerCatchUp catchUp = catchUp(behind, new SimpleMeterRegistry(), Duration.ZERO, full);
		await().atMost(Duration.ofSeconds(20)).until(catchUp::converged);
		assertThat(behind.samples()).singleElement().asString().startsWith("wanted{");

		// Stored at the peer a moment ago: the forwarder is bringing it, so it is not copied or lacking.
		LoopbackReplica late = replica("late", this.workDir.resolve("late"));
		PeerCatchUp settling = catchUp(late, new SimpleMeterRegistry(), Duration.ofHours(1), full);
		await().atMost(Duration.ofSeconds(20)).until(settling::converged);
		assertThat(late.ids()).isEmpty();
		assertThat(late.samples()).isEmpty();
	}

	@Test
	void aBlockFoundCorruptIsCopiedBackFromAPeer() throws Exception {
		LoopbackReplica healthy = replica("healthy", this.workDir.resolve("healthy"));
		Path damagedDir = this.workDir.resolve("damaged");
		LoopbackReplica damaged = new LoopbackReplica("damaged", damagedDir);
		long now = System.currentTimeMillis();
		// Seven hours up to now, a sample a minute, to both: each cuts 2 h blocks from its head.
		for (int minutesAgo = 7 * 60; minutesAgo > 0; minutesAgo--) {
			WriteRequest request = request("m", 10, now - minutesAgo * 60_000L);
			healthy.append(request);
			damaged.append(request);
		}
		damaged.store.compactNow();
		Block first = damaged.store.blocks().get(0);
		damaged.close();
		// A byte in the middle of its chunks file flips: inside the chunk of a 1-series block.
		try (RandomAccessFile chunks = new RandomAccessFile(first.directory().resolve("chunks/000001").toFile(), "rw")) {
			long middle = chunks.length() / 2;
			chunks.seek(middle);
			int b = chunks.read();
			chunks.seek(middle);
			chunks.write(b ^ 0x04);
		}

		LoopbackReplica reopened = replica("damaged", damagedDir);
		// The first read finds the flipped byte: the block is set aside, the rest still served.
		assertThat(reopened.samples()).isNotEmpty().hasSizeLessThan(healthy.samples().size());
		assertThat(reopened.store.corruptBlocks()).hasSize(1);
		assertThat(lacking(healthy, reopened)).isNotEmpty();

		PeerCatchUp catchUp = catchUp(reopened, new SimpleMeterRegistry(), Duration.ZERO, healthy);
		await().atMost(Duration.ofSeconds(20)).until(catchUp::converged);
		assertThat(reopened.samples()).isEqualTo(healthy.samples()).hasSize(7 * 60);
		assertThat(reopened.ids()).isEqualTo(healthy.ids());
	}

	@Test
	void reportsAPeerThatCannotBeReachedAsNotConverged() throws Exception {
		LoopbackReplica alone = replica("alone", this.workDir.resolve("alone"));
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		int closedPort = FreePorts.next();
		PeerCatchUp catchUp = this.closeables.add(new PeerCatchUp(alone.store,
				new StaticPeers(List.of(new DefaultServiceInstance("gone", SERVICE, "127.0.0.1", closedPort, false))),
				alone.identity, options(Duration.ZERO), Clock.systemUTC(), registry));
		await().atMost(Duration.ofSeconds(20)).until(() -> !catchUp.status().isEmpty()
				&& catchUp.status().get(0).lastError() != null);
		assertThat(catchUp.status().get(0).lastError()).startsWith("inventory: UNAVAILABLE");
		assertThat(catchUp.status().get(0).lastCompared()).isNull();
		assertThat(catchUp.converged()).isFalse();
	}

	@Test
	void catchesUpFromAPeerThatRequiresMutualTlsAndATokenOnlyWithBoth() throws Exception {
		TestPki pki = TestPki.create(this.workDir.resolve("pki"), "replica-ca");
		DefaultSslBundleRegistry bundles = new DefaultSslBundleRegistry();
		TestPki.Issued certificate = pki.issue("api-server");
		bundles.registerBundle("peers", SslBundle.of(new PemSslStoreBundle(
				PemSslStoreDetails.forCertificate("file:" + certificate.certificate())
					.withPrivateKey("file:" + certificate.privateKey()),
				PemSslStoreDetails.forCertificate("file:" + pki.caCertificate()))));
		ServerTlsProperties tls = new ServerTlsProperties();
		tls.setBundle("peers");
		tls.setClientAuth(ServerTlsProperties.ClientAuth.NEED);
		AuthProperties auth = new AuthProperties();
		AuthProperties.Bearer token = new AuthProperties.Bearer();
		token.setToken("peer-token");
		auth.getBearer().add(token);
		GrpcEndpoint secured = new GrpcEndpoint("127.0.0.1", 0, GrpcTls.server(tls, bundles),
				new GrpcAuthentication(Credentials.from(auth, "relay.api-server.grpc.auth")));
		LoopbackReplica full = this.closeables.add(new LoopbackReplica("full", this.workDir.resolve("full"), secured));
		long now = System.currentTimeMillis();
		for (int i = 0; i < 10; i++) {
			full.append(request("m" + i, 1_000, now - 60_000 + i));
		}
		LoopbackReplica empty = replica("empty", this.workDir.resolve("empty"));
		ChannelCredentials mutualTls = GrpcTls.client("peers", bundles);
		PeerCatchUp withBoth = catchUp(empty, options(Duration.ZERO, mutualTls, "peer-token"), full);
		await().atMost(Duration.ofSeconds(20)).until(withBoth::converged);
		assertThat(empty.ids()).isEqualTo(full.ids()).hasSize(10);
		assertThat(empty.samples()).isEqualTo(full.samples());

		LoopbackReplica other = replica("other", this.workDir.resolve("other"));
		assertThat(firstError(catchUp(other, options(Duration.ZERO, mutualTls, "wrong"), full)))
			.startsWith("inventory: PERMISSION_DENIED");
		assertThat(firstError(catchUp(other, options(Duration.ZERO, mutualTls, null), full)))
			.startsWith("inventory: UNAUTHENTICATED");
		assertThat(firstError(catchUp(other, options(Duration.ZERO, InsecureChannelCredentials.create(), "peer-token"),
				full)))
			.startsWith("inventory: UNAVAILABLE");
		assertThat(other.ids()).isEmpty();
	}

	private static String firstError(PeerCatchUp catchUp) {
		await().atMost(Duration.ofSeconds(20)).until(() -> !catchUp.status().isEmpty()
				&& catchUp.status().get(0).lastError() != null);
		String error = catchUp.status().get(0).lastError();
		catchUp.close();
		return error;
	}

	private PeerCatchUp catchUp(LoopbackReplica replica, CatchUpOptions options, LoopbackReplica peer) {
		return this.closeables.add(new PeerCatchUp(replica.store,
				new StaticPeers(List.of(new DefaultServiceInstance(peer.name, SERVICE, "127.0.0.1", peer.server.port(),
						false))),
				replica.identity, options, Clock.systemUTC(), new SimpleMeterRegistry()));
	}

	private static CatchUpOptions options(Duration settle, ChannelCredentials credentials, String token) {
		return new CatchUpOptions(SERVICE, Duration.ofMillis(200), settle, Duration.ofSeconds(5), 64 << 20, credentials,
				token);
	}

	private PeerCatchUp catchUp(LoopbackReplica replica, SimpleMeterRegistry registry, Duration settle, LoopbackReplica... peers) {
		List<ServiceInstance> instances = new ArrayList<>();
		for (LoopbackReplica peer : peers) {
			instances.add(new DefaultServiceInstance(peer.name, SERVICE, "127.0.0.1", peer.server.port(), false));
		}
		return this.closeables.add(new PeerCatchUp(replica.store, new StaticPeers(instances),
				replica.identity, options(settle), Clock.systemUTC(), registry));
	}

	private static CatchUpOptions options(Duration settle) {
		return new CatchUpOptions(SERVICE, Duration.ofMillis(200), settle, Duration.ofSeconds(5), 64 << 20);
	}

	private static PeerReport report(PeerCatchUp catchUp, LoopbackReplica peer) {
		return catchUp.status().stream().filter(report -> report.address().equals(peer.address())).findFirst().get();
	}

	private static Set<BatchId> lacking(LoopbackReplica full, LoopbackReplica behind) {
		Set<BatchId> lacking = full.ids();
		lacking.removeAll(behind.ids());
		return lacking;
	}

	/** A batch of one series whose label {@code padding} makes it about {@code size} bytes. */
	private static WriteRequest request(String name, int size, long timestamp) {
		return WriteRequest.newBuilder()
			.addTimeseries(TimeSeries.newBuilder()
				.addLabels(Label.newBuilder().setName("__name__").setValue(name))
				.addLabels(Label.newBuilder().setName("padding").setValue("x".repeat(size)))
				.addSamples(Sample.newBuilder().setValue(1).setTimestamp(timestamp)))
			.build();
	}

	private LoopbackReplica replica(String name, Path dataDir) throws Exception {
		return this.closeables.add(new LoopbackReplica(name, dataDir));
	}

}
