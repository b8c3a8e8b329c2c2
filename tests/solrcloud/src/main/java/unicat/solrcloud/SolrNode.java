package unicat.solrcloud;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * One SolrCloud node: Solr 9's JettySolrRunner bound to 127.0.0.1 with context /solr.
 *
 * <p>Usage: {@code SolrNode SOLR_HOME PORT ZK_HOST PORT_FILE}. SOLR_HOME must hold a solr.xml.
 * PORT 0 lets the kernel choose a free port (used at first start); a restart passes the port it
 * got then, so the node keeps its node name and its replicas. The port actually bound is written
 * to PORT_FILE once Jetty and the CoreContainer have started.
 *
 * <p>The node advertises host 127.0.0.1 (system property {@code host}, read by solr.xml), never
 * the machine's host name.
 */
public final class SolrNode {
  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: SolrNode SOLR_HOME PORT ZK_HOST PORT_FILE");
      System.exit(2);
    }
    Path home = Path.of(args[0]).toAbsolutePath();
    int port = Integer.parseInt(args[1]);
    String zkHost = args[2];
    Path portFile = Path.of(args[3]);
    if (!Files.isRegularFile(home.resolve("solr.xml"))) {
      throw new IllegalStateException("no solr.xml in " + home);
    }
    System.setProperty("host", "127.0.0.1");
    System.setProperty("zkHost", zkHost);
    Owner.watchOwner();

    Properties nodeProperties = new Properties();
    nodeProperties.setProperty("host", "127.0.0.1");
    nodeProperties.setProperty("zkHost", zkHost);
    JettyConfig config =
        JettyConfig.builder().setPort(port).setContext("/solr").stopAtShutdown(true).build();
    JettySolrRunner jetty = new JettySolrRunner(home.toString(), nodeProperties, config);
    jetty.start();
    if (jetty.getCoreContainer() == null || !jetty.getCoreContainer().isZooKeeperAware()) {
      System.err.println("solr: the node did not start in SolrCloud mode");
      Runtime.getRuntime().halt(1);
    }
    Owner.writeAtomically(portFile, jetty.getLocalPort() + "\n");
    System.err.println(
        "solr: node " + jetty.getNodeName() + " listening on " + jetty.getBaseUrl());
    // Jetty's threads keep the JVM alive; SIGTERM runs its stop-at-shutdown hook.
  }
}
