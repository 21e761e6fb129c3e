package io.prometheusrelay.proxy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.prometheusrelay.rsocket.wire.LegacyScrapeCipher;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.core.RSocketConnector;
import io.rsocket.transport.netty.client.TcpClientTransport;
import io.rsocket.util.DefaultPayload;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * An application speaking the original client's protocol: it takes the proxy's key from the
 * fire-and-forget sent on connect, answers each scrape request with its scrape encrypted to that key,
 * and can push a last scrape (request-response, as {@code pushAndCloseBlockingly()} does) before closing.
 */
final class LegacyTestClient implements AutoCloseable {

	private final RSocket socket;

	private final AtomicReference<@Nullable PublicKey> key = new AtomicReference<>();

	private volatile boolean plaintext;

	private LegacyTestClient(int port, Supplier<Mono<byte[]>> scrape) {
		RSocket responder = new RSocket() {
			@Override
			public Mono<Void> fireAndForget(Payload payload) {
				PublicKey proxyKey = readKey(payload);
				LegacyTestClient.this.plaintext = (proxyKey == null);
				LegacyTestClient.this.key.set(proxyKey);
				return Mono.empty();
			}

			@Override
			public Mono<Payload> requestResponse(Payload payload) {
				PublicKey proxyKey = readKey(payload);
				return scrape.get().map(text -> encrypted(text, proxyKey));
			}
		};
		this.socket = RSocketConnector.create().acceptor((setup, proxy) -> Mono.just(responder)).connect(TcpClientTransport.create("127.0.0.1", port)).block(Duration.ofSeconds(10));
	}

	static LegacyTestClient connect(int port, String scrape) {
		return connect(port, scrape.getBytes(StandardCharsets.UTF_8));
	}

	/** A client whose scrape is these bytes, UTF-8 or not. */
	static LegacyTestClient connect(int port, byte[] scrape) {
		return new LegacyTestClient(port, () -> Mono.just(scrape));
	}

	/** A client that accepts scrape requests and never answers them. */
	static LegacyTestClient silent(int port) {
		return new LegacyTestClient(port, Mono::never);
	}

	boolean hasKey() {
		return this.key.get() != null || this.plaintext;
	}

	/** Whether the proxy told this client to send its scrapes unencrypted. */
	boolean toldPlaintext() {
		return this.plaintext;
	}

	/** Pushes a last scrape, waits for the proxy's answer, and disconnects. */
	void pushAndClose(String scrape) {
		this.socket.requestResponse(encrypted(scrape.getBytes(StandardCharsets.UTF_8), this.key.get()))
			.block(Duration.ofSeconds(10));
		close();
	}

	@Override
	public void close() {
		this.socket.dispose();
	}

	/** Encrypted to the proxy's key; unencrypted, as the original protocol does, when the proxy said "plaintext". */
	private static Payload encrypted(byte[] text, @Nullable PublicKey key) {
		if (key == null) {
			return DefaultPayload.create(text, LegacyScrapeCipher.PLAINTEXT.getBytes(StandardCharsets.US_ASCII));
		}
		byte[][] payload = LegacyScrapeCipher.encrypt(text, key);
		return DefaultPayload.create(payload[0], payload[1]);
	}

	private static @Nullable PublicKey readKey(Payload payload) {
		ByteBuffer data = payload.getData();
		byte[] bytes = new byte[data.remaining()];
		data.get(bytes);
		payload.release();
		return LegacyScrapeCipher.readPublicKey(bytes);
	}

}
