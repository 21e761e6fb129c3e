package io.prometheusrelay.proxy.rsocket;

import java.time.Duration;

import io.rsocket.SocketAcceptor;
import io.rsocket.core.RSocketServer;
import io.rsocket.frame.decoder.PayloadDecoder;
import io.rsocket.transport.netty.server.CloseableChannel;
import io.rsocket.transport.netty.server.TcpServerTransport;
import io.rsocket.transport.netty.server.WebsocketServerTransport;
import io.netty.handler.ssl.SslContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.http.server.HttpServer;
import reactor.netty.tcp.TcpServer;

/** The proxy's RSocket servers, TCP and WebSocket, bound at start and closed on shutdown. */
public final class RSocketServers implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RSocketServers.class);

	private final CloseableChannel tcp;

	private final CloseableChannel websocket;

	/** @param tls the servers' TLS context; null for plain TCP and WebSocket */
	public RSocketServers(String host, int tcpPort, int websocketPort, SocketAcceptor acceptor, int maxPayloadBytes,
			@Nullable SslContext tls) {
		TcpServer tcpServer = TcpServer.create().host(host).port(tcpPort);
		HttpServer httpServer = HttpServer.create().host(host).port(websocketPort);
		if (tls != null) {
			tcpServer = tcpServer.secure(spec -> spec.sslContext(tls));
			httpServer = httpServer.secure(spec -> spec.sslContext(tls));
		}
		this.tcp = server(acceptor, maxPayloadBytes).bindNow(TcpServerTransport.create(tcpServer));
		try {
			this.websocket = server(acceptor, maxPayloadBytes).bindNow(WebsocketServerTransport.create(httpServer));
		}
		catch (RuntimeException ex) {
			this.tcp.dispose();
			throw ex;
		}
		logger.info("RSocket proxy listening on TCP {} and WebSocket {}{}", tcpPort(), websocketPort(),
				(tls != null) ? " (TLS)" : "");
	}

	private static RSocketServer server(SocketAcceptor acceptor, int maxPayloadBytes) {
		// DEFAULT copies payloads to the heap: nothing for the proxy to release, nothing to leak.
		return RSocketServer.create(acceptor).payloadDecoder(PayloadDecoder.DEFAULT).maxInboundPayloadSize(maxPayloadBytes);
	}

	public int tcpPort() {
		return this.tcp.address().getPort();
	}

	public int websocketPort() {
		return this.websocket.address().getPort();
	}

	@Override
	public void close() {
		this.tcp.dispose();
		this.websocket.dispose();
		this.tcp.onClose().block(Duration.ofSeconds(10));
		this.websocket.onClose().block(Duration.ofSeconds(10));
	}

}
