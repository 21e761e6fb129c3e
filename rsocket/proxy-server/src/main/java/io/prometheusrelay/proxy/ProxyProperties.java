package io.prometheusrelay.proxy;

import java.time.Duration;

import io.prometheusrelay.proxy.rsocket.DyingPushLimits;
import io.prometheusrelay.proxy.scrape.ScrapeLimits;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the RSocket proxy, under {@code relay.proxy}. Longer than this project's usual
 * 300 lines on purpose: as {@code ApiServerProperties}, one class with a nested class per group, so
 * that the whole prefix, every default and its documentation are in one place.
 */
@ConfigurationProperties("relay.proxy")
public class ProxyProperties {

	/** Address the RSocket servers bind. */
	private String host = "0.0.0.0";

	/** RSocket over TCP; 0 picks a free port. */
	private int tcpPort = 7001;

	/** RSocket over WebSocket; 0 picks a free port. */
	private int websocketPort = 8081;

	/** Applications connected at once; more are refused at setup. */
	private int maxConnections = 10_000;

	/** Largest scrape one application may send, decompressed; larger ones are left out and counted. */
	private DataSize maxScrapeSize = DataSize.ofMegabytes(16);

	/** Most series in one application's scrape; more and the scrape is left out and counted. */
	private int maxSeriesPerClient = 100_000;

	/** Per-application timeout when Prometheus sends no X-Prometheus-Scrape-Timeout-Seconds header. */
	private Duration defaultScrapeTimeout = Duration.ofSeconds(10);

	/** Taken off Prometheus's scrape timeout to leave time for merging and sending the answer. */
	private Duration scrapeTimeoutMargin = Duration.ofMillis(500);

	/** The longest per-application timeout a scrape's X-Prometheus-Scrape-Timeout-Seconds may ask for. */
	private Duration maxScrapeTimeout = Duration.ofSeconds(60);

	/**
	 * Scrapes of /metrics/connected served at once; more are answered 503 at once, not queued. Each
	 * copies every application's scrape, so this bounds the memory scrapes can take.
	 */
	private int maxConcurrentScrapes = 4;

	/** A pushed scrape of a departed application is served once, or dropped after this long. */
	private Duration dyingPushTtl = Duration.ofMinutes(5);

	/**
	 * Bearer tokens a scrape of /metrics/connected or /metrics/proxy must carry (Prometheus's
	 * scrape_config authorization); empty for none. Several, so that one can be rolled out before the
	 * old one is removed.
	 */
	private java.util.List<String> scrapeTokens = new java.util.ArrayList<>();

	/** Pushes of departing applications held at once, waiting for a scrape; more are refused and counted. */
	private int maxDyingPushes = 1000;

	/** Bytes (decrypted text) those pushes may hold together; a push past it is refused and counted. */
	private DataSize maxDyingPushSize = DataSize.ofMegabytes(128);

	/**
	 * Label the proxy adds to an application's series unless the application's SETUP names it, so instances
	 * never collide. Clients of the original scheme send no identity; theirs is the connection ("rsocket-N",
	 * new on each reconnect).
	 */
	private String identityLabel = "instance";

	/**
	 * Whether an application's own label named like one of its identity labels (its SETUP labels and the
	 * identity label) is kept as it is. By default the proxy's identity wins and the application's label is
	 * kept as "exported_NAME", as Prometheus does with honor_labels false, so that no application can publish
	 * series as another. Set true only when every application is trusted to name itself, for example clients
	 * of the original scheme that set their own stable instance label.
	 */
	private boolean honorApplicationLabels;

	/**
	 * Shared secrets clients must present in SETUP (compared in constant time); empty for none. With
	 * tokens set, clients of the original scheme, which cannot present one, are refused.
	 */
	private java.util.List<String> tokens = new java.util.ArrayList<>();

	/** Whether clients of the original scheme (micrometer's client: RSA + AES, unauthenticated) are accepted. */
	private boolean allowLegacyScheme = true;

	/**
	 * Whether clients of the original scheme are told to send their scrapes unencrypted (the original
	 * protocol's "plaintext" key), saving an RSA decryption per application per scrape. Only for
	 * networks already encrypted (TLS, a service mesh) or trusted; unencrypted scrapes are refused otherwise.
	 */
	private boolean allowPlaintext;

	/** TLS on the RSocket servers (TCP and WebSocket); off unless a bundle is named. */
	private final Tls tls = new Tls();

	/** Size of the RSA key for clients of the original scheme; generated once at start. */
	private int rsaKeyBits = 2048;

	/** How often the RSA key pair is replaced; zero never. The previous key decrypts until the next rotation. */
	private Duration rsaKeyRotation = Duration.ofHours(24);

	public java.util.List<String> getScrapeTokens() {
		return this.scrapeTokens;
	}

	public void setScrapeTokens(java.util.List<String> scrapeTokens) {
		this.scrapeTokens = scrapeTokens;
	}

	public DyingPushLimits toDyingPushLimits() {
		return new DyingPushLimits(this.dyingPushTtl, this.maxDyingPushes, this.maxDyingPushSize.toBytes());
	}

	public int getMaxDyingPushes() {
		return this.maxDyingPushes;
	}

	public void setMaxDyingPushes(int maxDyingPushes) {
		this.maxDyingPushes = maxDyingPushes;
	}

	public DataSize getMaxDyingPushSize() {
		return this.maxDyingPushSize;
	}

	public void setMaxDyingPushSize(DataSize maxDyingPushSize) {
		this.maxDyingPushSize = maxDyingPushSize;
	}

	public ScrapeLimits toScrapeLimits() {
		return new ScrapeLimits(this.defaultScrapeTimeout, this.scrapeTimeoutMargin, this.maxScrapeTimeout,
				this.maxConcurrentScrapes);
	}

	public Duration getMaxScrapeTimeout() {
		return this.maxScrapeTimeout;
	}

	public void setMaxScrapeTimeout(Duration maxScrapeTimeout) {
		this.maxScrapeTimeout = maxScrapeTimeout;
	}

	public int getMaxConcurrentScrapes() {
		return this.maxConcurrentScrapes;
	}

	public void setMaxConcurrentScrapes(int maxConcurrentScrapes) {
		this.maxConcurrentScrapes = maxConcurrentScrapes;
	}

	public String getHost() {
		return this.host;
	}

	public void setHost(String host) {
		this.host = host;
	}

	public int getTcpPort() {
		return this.tcpPort;
	}

	public void setTcpPort(int tcpPort) {
		this.tcpPort = tcpPort;
	}

	public int getWebsocketPort() {
		return this.websocketPort;
	}

	public void setWebsocketPort(int websocketPort) {
		this.websocketPort = websocketPort;
	}

	public int getMaxConnections() {
		return this.maxConnections;
	}

	public void setMaxConnections(int maxConnections) {
		this.maxConnections = maxConnections;
	}

	public DataSize getMaxScrapeSize() {
		return this.maxScrapeSize;
	}

	public void setMaxScrapeSize(DataSize maxScrapeSize) {
		this.maxScrapeSize = maxScrapeSize;
	}

	public int getMaxSeriesPerClient() {
		return this.maxSeriesPerClient;
	}

	public void setMaxSeriesPerClient(int maxSeriesPerClient) {
		this.maxSeriesPerClient = maxSeriesPerClient;
	}

	public Duration getDefaultScrapeTimeout() {
		return this.defaultScrapeTimeout;
	}

	public void setDefaultScrapeTimeout(Duration defaultScrapeTimeout) {
		this.defaultScrapeTimeout = defaultScrapeTimeout;
	}

	public Duration getScrapeTimeoutMargin() {
		return this.scrapeTimeoutMargin;
	}

	public void setScrapeTimeoutMargin(Duration scrapeTimeoutMargin) {
		this.scrapeTimeoutMargin = scrapeTimeoutMargin;
	}

	public Duration getDyingPushTtl() {
		return this.dyingPushTtl;
	}

	public void setDyingPushTtl(Duration dyingPushTtl) {
		this.dyingPushTtl = dyingPushTtl;
	}

	public boolean isHonorApplicationLabels() {
		return this.honorApplicationLabels;
	}

	public void setHonorApplicationLabels(boolean honorApplicationLabels) {
		this.honorApplicationLabels = honorApplicationLabels;
	}

	public String getIdentityLabel() {
		return this.identityLabel;
	}

	public void setIdentityLabel(String identityLabel) {
		this.identityLabel = identityLabel;
	}

	public java.util.List<String> getTokens() {
		return this.tokens;
	}

	public void setTokens(java.util.List<String> tokens) {
		this.tokens = tokens;
	}

	public boolean isAllowLegacyScheme() {
		return this.allowLegacyScheme;
	}

	public void setAllowLegacyScheme(boolean allowLegacyScheme) {
		this.allowLegacyScheme = allowLegacyScheme;
	}

	public int getRsaKeyBits() {
		return this.rsaKeyBits;
	}

	public void setRsaKeyBits(int rsaKeyBits) {
		this.rsaKeyBits = rsaKeyBits;
	}

	public Duration getRsaKeyRotation() {
		return this.rsaKeyRotation;
	}

	public void setRsaKeyRotation(Duration rsaKeyRotation) {
		this.rsaKeyRotation = rsaKeyRotation;
	}

	public boolean isAllowPlaintext() {
		return this.allowPlaintext;
	}

	public void setAllowPlaintext(boolean allowPlaintext) {
		this.allowPlaintext = allowPlaintext;
	}

	public Tls getTls() {
		return this.tls;
	}

	/** TLS, and with {@code client-auth=need} mutual TLS, on the RSocket servers. */
	public static class Tls {

		/**
		 * Name of a Spring Boot SSL bundle ({@code spring.ssl.bundle.*}) holding the proxy's key and
		 * certificate and, for client authentication, the CAs trusted for clients' certificates; unset
		 * for plain TCP and WebSocket.
		 */
		private @Nullable String bundle;

		/** Whether clients must present a certificate the bundle's trust store accepts: none, want, need. */
		private ClientAuth clientAuth = ClientAuth.NONE;

		public @Nullable String getBundle() {
			return this.bundle;
		}

		public void setBundle(@Nullable String bundle) {
			this.bundle = bundle;
		}

		public ClientAuth getClientAuth() {
			return this.clientAuth;
		}

		public void setClientAuth(ClientAuth clientAuth) {
			this.clientAuth = clientAuth;
		}

	}

	/** Client certificates: not asked for, asked for, or required (mutual TLS). */
	public enum ClientAuth {

		NONE, WANT, NEED

	}

}
