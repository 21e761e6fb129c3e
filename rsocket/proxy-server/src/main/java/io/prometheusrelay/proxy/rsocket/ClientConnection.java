package io.prometheusrelay.proxy.rsocket;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.prometheusrelay.proxy.exposition.ScrapeBuffers;
import io.prometheusrelay.rsocket.wire.HpkeScrapeCipher;
import io.prometheusrelay.rsocket.wire.ScrapeText;
import io.rsocket.RSocket;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.jspecify.annotations.Nullable;

/**
 * One connected application: the socket to pull its scrapes through, the identity labels the proxy
 * adds to its series, and the last metrics it pushed before going away.
 */
public final class ClientConnection {

	private final long id;

	private final RSocket socket;

	private final List<Map.Entry<String, String>> identity;

	private final boolean hpke;

	private volatile boolean closed;

	private HpkeScrapeCipher.@Nullable Opener hpkeOpener;

	private volatile @Nullable ScrapeText dyingPush;

	/** The last scrape's buffers, reused for the next: scraping a thousand applications makes little garbage. */
	private final AtomicReference<@Nullable ScrapeBuffers> spareBuffers = new AtomicReference<>();

	private volatile @Nullable Instant pushedAt;

	/** How its latest scrape went: "ok", or why it was left out; null before the first. */
	private volatile @Nullable String lastOutcome;

	ClientConnection(long id, RSocket socket, List<Map.Entry<String, String>> identity, boolean hpke) {
		this.id = id;
		this.socket = socket;
		this.identity = List.copyOf(identity);
		this.hpke = hpke;
	}

	/** Whether the client negotiated the HPKE scheme (otherwise: the original scheme). */
	public boolean usesHpke() {
		return this.hpke;
	}

	public long id() {
		return this.id;
	}

	public RSocket socket() {
		return this.socket;
	}

	/** The identity labels (names and values, as the client sent them) the proxy gives the client's series. */
	public List<Map.Entry<String, String>> identity() {
		return this.identity;
	}

	public boolean isClosed() {
		return this.closed;
	}

	void markClosed() {
		this.closed = true;
	}

	synchronized void push(ScrapeText scrape, Instant at) {
		this.dyingPush = scrape;
		this.pushedAt = at;
	}

	/** The pushed scrape, taken: through the registry, which counts what pushes hold. */
	synchronized @Nullable ScrapeText takeDyingPush() {
		ScrapeText push = this.dyingPush;
		this.dyingPush = null;
		this.pushedAt = null;
		return push;
	}

	@Nullable ScrapeText dyingPush() {
		return this.dyingPush;
	}

	/** Whether the application pushed a last scrape that no scrape has served yet. */
	public boolean hasDyingPush() {
		return this.dyingPush != null;
	}

	@Nullable Instant pushedAt() {
		return this.pushedAt;
	}

	/** Records how a scrape of the application went: "ok", or the reason it was left out. */
	public void scraped(String outcome) {
		this.lastOutcome = outcome;
	}

	/** How the application's latest scrape went, as {@link #scraped} recorded it; null before the first. */
	public @Nullable String lastOutcome() {
		return this.lastOutcome;
	}

	/** Buffers for this application's next scrape: the previous one's, unless another scrape holds them. */
	public ScrapeBuffers scrapeBuffers() {
		ScrapeBuffers spare = this.spareBuffers.getAndSet(null);
		return (spare != null) ? spare : new ScrapeBuffers();
	}

	/** Hands buffers back once the scrape that used them has been written out. */
	public void recycle(ScrapeBuffers buffers) {
		this.spareBuffers.set(buffers);
	}

	/** What opens this connection's sealed scrapes (its HPKE context and replay window); made on first use. */
	synchronized HpkeScrapeCipher.Opener hpkeOpener(AsymmetricCipherKeyPair proxyKeys) {
		if (this.hpkeOpener == null) {
			this.hpkeOpener = new HpkeScrapeCipher.Opener(proxyKeys);
		}
		return this.hpkeOpener;
	}

}
