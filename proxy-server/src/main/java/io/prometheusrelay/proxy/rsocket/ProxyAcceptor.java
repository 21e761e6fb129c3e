package io.prometheusrelay.proxy.rsocket;

import java.nio.ByteBuffer;

import io.prometheusrelay.rsocket.wire.LegacyScrapeCipher;
import io.prometheusrelay.rsocket.wire.ScrapeRejectedException;
import io.rsocket.ConnectionSetupPayload;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.SocketAcceptor;
import io.rsocket.exceptions.RejectedSetupException;
import io.rsocket.util.DefaultPayload;
import io.rsocket.util.EmptyPayload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Accepts an application's connection: registers it, sends it the proxy's public key (so it can
 * push its last metrics even before the first scrape), and answers its pushes. A connection past
 * the limit is refused at setup.
 */
public final class ProxyAcceptor implements SocketAcceptor {

	private static final Logger logger = LoggerFactory.getLogger(ProxyAcceptor.class);

	private final ConnectionRegistry connections;

	private final ProxyKeys keys;

	private final ProxyMetrics metrics;

	private final String identityLabel;

	private final int maxScrapeBytes;

	public ProxyAcceptor(ConnectionRegistry connections, ProxyKeys keys, ProxyMetrics metrics, String identityLabel,
			int maxScrapeBytes) {
		this.connections = connections;
		this.keys = keys;
		this.metrics = metrics;
		this.identityLabel = identityLabel;
		this.maxScrapeBytes = maxScrapeBytes;
	}

	@Override
	public Mono<RSocket> accept(ConnectionSetupPayload setup, RSocket sendingSocket) {
		ClientConnection connection = this.connections.register(sendingSocket, this.identityLabel);
		if (connection == null) {
			this.metrics.rejectedConnection("max_connections");
			return Mono.error(new RejectedSetupException("proxy at its connection limit"));
		}
		// RSocket offers no other hook for a connection's end than subscribing to onClose.
		sendingSocket.onClose().doFinally(signal -> this.connections.closed(connection)).subscribe();
		logger.debug("Connection {} accepted", connection.id());
		return sendingSocket.fireAndForget(keyPayload())
			.onErrorResume(ex -> Mono.empty())
			.thenReturn(new PushResponder(connection));
	}

	/** The key payload the original clients expect, sent on connect and with every scrape request. */
	public Payload keyPayload() {
		return DefaultPayload.create(this.keys.encodedPublicKey());
	}

	/** Decrypts one scrape payload (a pulled scrape or a push) with the proxy's key. */
	public String decrypt(Payload payload) {
		return LegacyScrapeCipher.decrypt(bytes(payload.getData()), bytes(payload.getMetadata()), this.keys.privateKey(),
				this.maxScrapeBytes);
	}

	private static byte[] bytes(ByteBuffer buffer) {
		byte[] bytes = new byte[buffer.remaining()];
		buffer.get(bytes);
		return bytes;
	}

	/** What an application may send on its own: its last metrics before it goes away. */
	private final class PushResponder implements RSocket {

		private final ClientConnection connection;

		PushResponder(ClientConnection connection) {
			this.connection = connection;
		}

		@Override
		public Mono<Payload> requestResponse(Payload payload) {
			return Mono.fromCallable(() -> {
				accept(payload);
				return (Payload) EmptyPayload.INSTANCE;
			});
		}

		@Override
		public Mono<Void> fireAndForget(Payload payload) {
			return Mono.fromRunnable(() -> accept(payload)).onErrorResume(ex -> Mono.empty()).then();
		}

		private void accept(Payload payload) {
			try {
				String scrape = decrypt(payload);
				ProxyAcceptor.this.connections.pushed(this.connection, scrape);
				ProxyAcceptor.this.metrics.pushed();
			}
			catch (ScrapeRejectedException ex) {
				ProxyAcceptor.this.metrics.clientScrape("push_" + ex.reasonTag());
				logger.warn("Connection {}: push refused: {}", this.connection.id(), ex.getMessage());
				throw ex;
			}
			finally {
				payload.release();
			}
		}

	}

}
