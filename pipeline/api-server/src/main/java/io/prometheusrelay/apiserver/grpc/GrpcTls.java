package io.prometheusrelay.apiserver.grpc;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.prometheusrelay.pipeline.tls.ServerTlsProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

/**
 * gRPC credentials from Spring Boot SSL bundles. grpc-java's TLS credentials take the bundle's key
 * and trust managers as they are, whatever transport (shaded Netty here) carries the calls.
 */
public final class GrpcTls {

	private GrpcTls() {
	}

	/** The server's: plain unless {@code tls} names a bundle. */
	public static ServerCredentials server(ServerTlsProperties tls, SslBundles bundles) {
		if (tls.getBundle() == null) {
			return InsecureServerCredentials.create();
		}
		SslBundle bundle = bundles.getBundle(tls.getBundle());
		TlsServerCredentials.Builder builder = TlsServerCredentials.newBuilder()
			.keyManager(bundle.getManagers().getKeyManagerFactory().getKeyManagers())
			.clientAuth(switch (tls.getClientAuth()) {
				case NONE -> TlsServerCredentials.ClientAuth.NONE;
				case WANT -> TlsServerCredentials.ClientAuth.OPTIONAL;
				case NEED -> TlsServerCredentials.ClientAuth.REQUIRE;
			});
		if (tls.getClientAuth() != ServerTlsProperties.ClientAuth.NONE) {
			builder.trustManager(bundle.getManagers().getTrustManagerFactory().getTrustManagers());
		}
		return builder.build();
	}

	/**
	 * A client's: plain unless {@code bundleName} is set; then the bundle's trust store must hold the
	 * CA of the server's certificate, which must name the host dialled, and its key store, if any,
	 * holds this client's own.
	 */
	public static ChannelCredentials client(@Nullable String bundleName, SslBundles bundles) {
		if (bundleName == null) {
			return InsecureChannelCredentials.create();
		}
		SslBundle bundle = bundles.getBundle(bundleName);
		return TlsChannelCredentials.newBuilder()
			.keyManager(bundle.getManagers().getKeyManagerFactory().getKeyManagers())
			.trustManager(bundle.getManagers().getTrustManagerFactory().getTrustManagers())
			.build();
	}

}
