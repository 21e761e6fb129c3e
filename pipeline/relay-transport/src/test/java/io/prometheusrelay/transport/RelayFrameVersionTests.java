package io.prometheusrelay.transport;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.prometheusrelay.protocol.frame.BatchDigest;
import io.prometheusrelay.protocol.frame.FrameType;
import io.prometheusrelay.protocol.frame.RelayFrame;
import io.prometheusrelay.testsupport.Closeables;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Relay frames of version 2 (a BATCH with its digest) between releases: this release's ends use them
 * once the server has offered to read them, which it does only for a handler that uses digests; a
 * server of an earlier release, which reads version 1 only and offers nothing, is sent version 1;
 * the offer is a version 1 heartbeat, which clients of earlier releases read and ignore.
 */
class RelayFrameVersionTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@Test
	void aBatchGoesWithItsDigestOnceTheServerHasOffered() {
		List<@Nullable BatchDigest> received = new CopyOnWriteArrayList<>();
		RelayServer server = server(new DigestRecorder(received, true));
		RelayClient client = connectedClient(server.port());
		byte[] batch = { 1, 2, 3 };
		BatchDigest digest = BatchDigest.of(batch);
		// The offer is the connection's first frame, so it is read before the first answer.
		assertThat(client.send(batch, digest).block(WAIT)).isEqualTo(BatchOutcome.ack());
		assertThat(client.send(batch, digest).block(WAIT)).isEqualTo(BatchOutcome.ack());
		assertThat(client.send(batch).block(WAIT)).isEqualTo(BatchOutcome.ack());
		assertThat(received).hasSize(3);
		assertThat(received.get(1)).isEqualTo(digest);
		assertThat(received.get(2)).isNull();
	}

	@Test
	void aServerWhoseHandlerTakesNoDigestsOffersNoneAndHandsNoneOver() throws Exception {
		List<@Nullable BatchDigest> received = new CopyOnWriteArrayList<>();
		RelayServer server = server(new DigestRecorder(received, false));
		RelayClient client = connectedClient(server.port());
		byte[] batch = { 1, 2, 3 };
		for (int i = 0; i < 3; i++) {
			assertThat(client.send(batch, BatchDigest.of(batch)).block(WAIT)).isEqualTo(BatchOutcome.ack());
		}
		assertThat(received).hasSize(3).containsOnlyNulls();
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
			socket.setSoTimeout((int) WAIT.toMillis());
			sendVersionOneBatch(socket, 8);
			RelayFrame first = readVersionOneFrame(socket.getInputStream());
			assertThat(first.type()).as("no offer first").isEqualTo(FrameType.ACK);
			assertThat(first.batchId()).isEqualTo(8);
		}
		// A sender that sends version 2 anyway is read, and its digest not handed over.
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
			socket.setSoTimeout((int) WAIT.toMillis());
			ByteBuf frame = RelayFrameCodec.encode(ByteBufAllocator.DEFAULT, RelayFrame.batch(1, batch, new BatchDigest(1, 2)));
			socket.getOutputStream().write(ByteBufUtil.getBytes(frame));
			frame.release();
			assertThat(readVersionOneFrame(socket.getInputStream()).type()).isEqualTo(FrameType.ACK);
		}
		assertThat(received).hasSize(5).containsOnlyNulls();
	}

	@Test
	void aServerOfAnEarlierReleaseIsSentVersionOneOnly() throws Exception {
		try (EarlierReleaseServer earlier = new EarlierReleaseServer()) {
			RelayClient client = connectedClient(earlier.port());
			byte[] batch = { 4, 5 };
			for (int i = 0; i < 3; i++) {
				assertThat(client.send(batch, BatchDigest.of(batch)).block(WAIT)).isEqualTo(BatchOutcome.ack());
			}
			assertThat(earlier.versions).containsExactly(RelayFrame.VERSION, RelayFrame.VERSION, RelayFrame.VERSION);
		}
	}

	@Test
	void theOfferIsAVersionOneHeartbeatThatClientsOfEarlierReleasesRead() throws Exception {
		RelayServer server = server(new DigestRecorder(new CopyOnWriteArrayList<>(), true));
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
			socket.setSoTimeout((int) WAIT.toMillis());
			sendVersionOneBatch(socket, 9);
			RelayFrame offer = readVersionOneFrame(socket.getInputStream());
			assertThat(offer.type()).isEqualTo(FrameType.HEARTBEAT);
			assertThat(offer.offeredVersion()).isEqualTo(RelayFrame.VERSION_WITH_DIGEST);
			RelayFrame ack = readVersionOneFrame(socket.getInputStream());
			assertThat(ack.type()).isEqualTo(FrameType.ACK);
			assertThat(ack.batchId()).isEqualTo(9);
		}
	}

	private RelayServer server(BatchHandler handler) {
		RelayServer server = RelayServer.start(serverOptions(), handler, this.registry);
		this.closeables.add(server);
		return server;
	}

	private static void sendVersionOneBatch(Socket socket, long batchId) throws IOException {
		ByteBuf batch = RelayFrameCodec.encode(ByteBufAllocator.DEFAULT, RelayFrame.batch(batchId, new byte[] { 1 }));
		socket.getOutputStream().write(ByteBufUtil.getBytes(batch));
		batch.release();
	}

	/** ACKs every batch and records the digest it was handed, if any. */
	private record DigestRecorder(List<@Nullable BatchDigest> received, boolean usesDigests) implements BatchHandler {

		@Override
		public Mono<BatchOutcome> handle(byte[] writeRequest) {
			throw new AssertionError("the server hands every batch over with its digest, if any");
		}

		@Override
		public Mono<BatchOutcome> handle(byte[] writeRequest, @Nullable BatchDigest digest) {
			this.received.add(digest);
			return Mono.just(BatchOutcome.ack());
		}

	}

	/** Reads one frame as a reader of version 1 only would: anything else fails the test. */
	private static RelayFrame readVersionOneFrame(InputStream in) throws IOException {
		DataInputStream data = new DataInputStream(in);
		byte[] header = new byte[RelayFrame.HEADER_BYTES];
		data.readFully(header);
		assertThat(header[0]).as("frame version").isEqualTo(RelayFrame.VERSION);
		int length = Unpooled.wrappedBuffer(header).getInt(10);
		byte[] rest = new byte[length + RelayFrame.TRAILER_BYTES];
		data.readFully(rest);
		EmbeddedChannel channel = new EmbeddedChannel(new RelayFrameDecoder(1024));
		channel.writeInbound(Unpooled.wrappedBuffer(header, rest));
		RelayFrame frame = channel.readInbound();
		channel.finishAndReleaseAll();
		return frame;
	}

	private RelayClient connectedClient(int port) {
		RelayClientOptions options = new RelayClientOptions(16 * 1024, 64, WAIT, Duration.ofSeconds(2),
				Duration.ofSeconds(1), Duration.ofMillis(50), Duration.ofMillis(500));
		RelayClient client = new RelayClient("test-target", "127.0.0.1", port, options, this.registry).start();
		this.closeables.add(client);
		await().atMost(WAIT).until(client::isConnected);
		return client;
	}

	private static RelayServerOptions serverOptions() {
		return new RelayServerOptions("test", "127.0.0.1", 0, 16 * 1024, 64, Duration.ofSeconds(30), Duration.ofSeconds(1));
	}

	/**
	 * A relay server as releases before version 2 were, on one connection: it offers nothing, notes
	 * the version of each frame, and ACKs the ones it could read (version 1); any other version
	 * closes the connection, as those releases did.
	 */
	private static final class EarlierReleaseServer implements AutoCloseable {

		final List<Byte> versions = new CopyOnWriteArrayList<>();

		private final ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());

		private final Thread thread = new Thread(this::serve, "earlier-release-relay-server");

		EarlierReleaseServer() throws IOException {
			this.thread.start();
		}

		int port() {
			return this.socket.getLocalPort();
		}

		private void serve() {
			try (Socket connection = this.socket.accept()) {
				DataInputStream in = new DataInputStream(connection.getInputStream());
				OutputStream out = connection.getOutputStream();
				while (true) {
					byte[] header = new byte[RelayFrame.HEADER_BYTES];
					in.readFully(header);
					this.versions.add(header[0]);
					if (header[0] != RelayFrame.VERSION) {
						return;
					}
					ByteBuf fields = Unpooled.wrappedBuffer(header);
					in.readFully(new byte[fields.getInt(10) + RelayFrame.TRAILER_BYTES]);
					if (fields.getByte(1) == FrameType.BATCH.code()) {
						ByteBuf ack = RelayFrameCodec.encode(ByteBufAllocator.DEFAULT, RelayFrame.ack(fields.getLong(2)));
						out.write(ByteBufUtil.getBytes(ack));
						ack.release();
					}
				}
			}
			catch (IOException ex) {
				// Closed by the test.
			}
		}

		@Override
		public void close() throws Exception {
			this.socket.close();
			this.thread.join(WAIT.toMillis());
		}

	}

}
