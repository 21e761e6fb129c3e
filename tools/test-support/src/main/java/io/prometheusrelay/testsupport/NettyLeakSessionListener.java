package io.prometheusrelay.testsupport;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/** Installs the recording leak detector when the JUnit session opens, before Netty's buffer classes load. */
public final class NettyLeakSessionListener implements LauncherSessionListener {

	@Override
	public void launcherSessionOpened(LauncherSession session) {
		NettyLeaks.install();
	}

}
