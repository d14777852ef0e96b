/*
 * A TEST SHIM standing in for Apache Jena Fuseki, for normgraph's remote store tests
 * (tests/jena_server.py compiles and starts it; tests/test_remote_jena.py uses it).
 *
 * What is real: the engine. Queries run on Apache Jena ARQ over a TDB2 dataset on disk, updates
 * and Graph Store Protocol writes each run in ONE TDB2 write transaction (Txn.executeWrite), and
 * readers run in TDB2 read transactions — which is what Fuseki does with a TDB2 dataset.
 * What is ours: the HTTP protocol layer (this file, on the JDK's com.sun.net.httpserver). It
 * implements the parts of the SPARQL 1.1 Protocol and Graph Store Protocol that a client such as
 * normgraph uses, the way Fuseki answers them; it is not Fuseki and is not meant for anything but
 * tests (no access control beyond an optional basic-auth user, no limits, no admin API).
 *
 *   java -cp <jena jars>:<classes> JenaServer --location DIR --port N [--user U --password P]
 *
 * Endpoints (Fuseki's layout for a dataset called "normgraph"):
 *   /normgraph/sparql   query:  GET ?query=…, POST form query=…, POST application/sparql-query;
 *                       default-graph-uri / named-graph-uri give the dataset (they replace the
 *                       query's FROM / FROM NAMED, as in Fuseki)
 *   /normgraph/update   update: POST form update=…, POST application/sparql-update (auth)
 *   /normgraph/data     GSP:    GET/PUT/POST/DELETE ?graph=IRI or ?default (auth)
 *   /$/ping             200 when ready
 */

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.apache.jena.Jena;
import org.apache.jena.graph.Graph;
import org.apache.jena.graph.Node;
import org.apache.jena.graph.NodeFactory;
import org.apache.jena.query.Dataset;
import org.apache.jena.query.DatasetFactory;
import org.apache.jena.query.Query;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryExecutionFactory;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.QueryParseException;
import org.apache.jena.query.ResultSet;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.query.Syntax;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.riot.RDFLanguages;
import org.apache.jena.riot.RDFParser;
import org.apache.jena.riot.RiotException;
import org.apache.jena.riot.system.StreamRDFLib;
import org.apache.jena.sparql.core.DatasetDescription;
import org.apache.jena.sparql.core.DatasetGraph;
import org.apache.jena.sparql.core.DynamicDatasets;
import org.apache.jena.system.Txn;
import org.apache.jena.tdb2.TDB2Factory;
import org.apache.jena.update.UpdateAction;
import org.apache.jena.update.UpdateFactory;
import org.apache.jena.update.UpdateRequest;

public final class JenaServer {
    // Not "Virtuoso/…": normgraph then uses its standard SPARQL 1.1 dialect, as with Fuseki.
    static final String SERVER = "normgraph-test-jena/" + Jena.VERSION + " (Apache Jena ARQ + TDB2; a test shim, not Fuseki)";
    static final String JSON = "application/sparql-results+json";
    static final String XML = "application/sparql-results+xml";
    static final String CSV = "text/csv";
    static final String TSV = "text/tab-separated-values";
    static final String NTRIPLES = "application/n-triples";
    static final String TURTLE = "text/turtle";

    /** An HTTP error answer: status and a plain-text message (as Fuseki gives for a bad query). */
    static final class HttpError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        HttpError(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    final DatasetGraph dsg;

    JenaServer(DatasetGraph dsg) {
        this.dsg = dsg;
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i], args[i + 1]);
        }
        if (!opts.containsKey("--location") || !opts.containsKey("--port")) {
            System.err.println("usage: JenaServer --location DIR --port N [--user U --password P]");
            System.exit(2);
        }
        // A TDB2 database on disk: commits are journalled, so a killed server recovers the
        // transactions it had committed (tests can kill -9 it and start it again).
        Dataset dataset = TDB2Factory.connectDataset(opts.get("--location"));
        JenaServer shim = new JenaServer(dataset.asDatasetGraph());
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(opts.get("--port"))), 50);
        Filter server = new ServerHeader();
        Filter auth = new BasicAuth(opts.get("--user"), opts.get("--password"));
        http.createContext("/normgraph/sparql", shim.guard(shim::query)).getFilters().add(server);
        var update = http.createContext("/normgraph/update", shim.guard(shim::update));
        update.getFilters().add(server);
        update.getFilters().add(auth);
        var data = http.createContext("/normgraph/data", shim.guard(shim::graphStore));
        data.getFilters().add(server);
        data.getFilters().add(auth);
        http.createContext("/$/ping", shim.guard(ex -> send(ex, 200, "text/plain", "ok\n"))).getFilters().add(server);
        // Several request threads: readers must be able to run while a write transaction does
        // (the default executor would answer one request at a time and hide any isolation issue).
        ExecutorService pool = Executors.newFixedThreadPool(8);
        http.setExecutor(pool);
        http.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            http.stop(0);
            pool.shutdownNow();
        }));
        System.out.println("listening on http://127.0.0.1:" + http.getAddress().getPort());
        System.out.flush();
    }

    interface Action {
        void handle(HttpExchange exchange) throws IOException;
    }

    /** Turns HttpError (and any other failure) into a plain-text answer and always closes the exchange. */
    HttpHandler guard(Action action) {
        return exchange -> {
            try {
                action.handle(exchange);
            } catch (HttpError e) {
                send(exchange, e.status, "text/plain", e.getMessage() + "\n");
            } catch (RuntimeException e) {
                e.printStackTrace();  // into the server's log (tests/jena_server.py keeps it)
                send(exchange, 500, "text/plain", "internal error: " + e + "\n");
            } finally {
                exchange.close();
            }
        };
    }

    // -- SPARQL query ------------------------------------------------------------------------------
    void query(HttpExchange ex) throws IOException {
        Map<String, List<String>> params = parameters(ex, "application/sparql-query", "query");
        String text = single(params, "query");
        Query query;
        try {
            // strict SPARQL 1.1 (Fuseki accepts ARQ's extensions): a client that claims to speak
            // the standard should be caught here if it does not
            query = QueryFactory.create(text, Syntax.syntaxSPARQL_11);
        } catch (QueryParseException e) {
            throw new HttpError(400, "Parse error: " + e.getMessage());
        }
        // The protocol's dataset replaces the query's FROM / FROM NAMED (SPARQL 1.1 Protocol 2.1.4);
        // like Fuseki, a dataset description becomes a dynamic view over the TDB2 dataset.
        List<String> defaults = params.getOrDefault("default-graph-uri", List.of());
        List<String> named = params.getOrDefault("named-graph-uri", List.of());
        DatasetDescription description = null;
        if (!defaults.isEmpty() || !named.isEmpty()) {
            description = DatasetDescription.create(defaults, named);
        } else if (query.hasDatasetDescription()) {
            description = DatasetDescription.create(query);
        }
        if (query.hasDatasetDescription()) {
            query = query.cloneQuery();
            query.getGraphURIs().clear();
            query.getNamedGraphURIs().clear();
        }
        String accept = ex.getRequestHeaders().getFirst("Accept");
        Query q = query;
        DatasetDescription d = description;
        // one read transaction for the whole answer, serialisation included (results stream out);
        // the dynamic dataset too is made inside it, as making it looks at the data
        Txn.executeRead(dsg, () -> {
            DatasetGraph target = d == null ? dsg : DynamicDatasets.dynamicDataset(d, dsg, false);
            try (QueryExecution exec = QueryExecutionFactory.create(q, DatasetFactory.wrap(target))) {
                if (q.isSelectType()) {
                    String type = negotiate(accept, List.of(JSON, XML, CSV, TSV));
                    ResultSet results = exec.execSelect();
                    try (OutputStream out = start(ex, type)) {
                        switch (type) {
                            case XML -> ResultSetFormatter.outputAsXML(out, results);
                            case CSV -> ResultSetFormatter.outputAsCSV(out, results);
                            case TSV -> ResultSetFormatter.outputAsTSV(out, results);
                            default -> ResultSetFormatter.outputAsJSON(out, results);
                        }
                    }
                } else if (q.isAskType()) {
                    String type = negotiate(accept, List.of(JSON, XML, CSV, TSV));
                    boolean answer = exec.execAsk();
                    try (OutputStream out = start(ex, type)) {
                        switch (type) {
                            case XML -> ResultSetFormatter.outputAsXML(out, answer);
                            case CSV -> ResultSetFormatter.outputAsCSV(out, answer);
                            case TSV -> ResultSetFormatter.outputAsTSV(out, answer);
                            default -> ResultSetFormatter.outputAsJSON(out, answer);
                        }
                    }
                } else {
                    // CONSTRUCT / DESCRIBE: a graph, i.e. a set of triples (Fuseki materialises it too)
                    String type = negotiate(accept, List.of(TURTLE, NTRIPLES));
                    Model model = q.isConstructType() ? exec.execConstruct() : exec.execDescribe();
                    try (OutputStream out = start(ex, type)) {
                        RDFDataMgr.write(out, model, type.equals(NTRIPLES) ? Lang.NTRIPLES : Lang.TURTLE);
                    }
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    // -- SPARQL update -----------------------------------------------------------------------------
    void update(HttpExchange ex) throws IOException {
        if (!ex.getRequestMethod().equals("POST")) {
            throw new HttpError(405, "SPARQL Update needs POST");
        }
        String text = single(parameters(ex, "application/sparql-update", "update"), "update");
        UpdateRequest request;
        try {
            request = UpdateFactory.create(text, Syntax.syntaxSPARQL_11);
        } catch (QueryParseException e) {
            throw new HttpError(400, "Parse error: " + e.getMessage());
        }
        // The whole request — every operation in it — is ONE TDB2 write transaction: readers see
        // the state before it or after it, and a failure aborts all of it (Fuseki does the same).
        Txn.executeWrite(dsg, () -> UpdateAction.execute(request, dsg));
        send(ex, 204, null, null);
    }

    // -- Graph Store Protocol ----------------------------------------------------------------------
    void graphStore(HttpExchange ex) throws IOException {
        Map<String, List<String>> params = decode(ex.getRequestURI().getRawQuery());
        Node graph;
        if (params.containsKey("graph")) {
            graph = NodeFactory.createURI(single(params, "graph"));
        } else if (params.containsKey("default")) {
            graph = null;
        } else {
            throw new HttpError(400, "Graph Store Protocol: give ?graph=IRI or ?default");
        }
        String method = ex.getRequestMethod();
        switch (method) {
            case "GET", "HEAD" -> {
                String type = negotiate(ex.getRequestHeaders().getFirst("Accept"), List.of(TURTLE, NTRIPLES));
                Txn.executeRead(dsg, () -> {
                    if (graph != null && !dsg.containsGraph(graph)) {
                        throw new HttpError(404, "No such graph: <" + graph.getURI() + ">");
                    }
                    Graph content = graph == null ? dsg.getDefaultGraph() : dsg.getGraph(graph);
                    try (OutputStream out = start(ex, type)) {
                        if (method.equals("GET")) {
                            RDFDataMgr.write(out, content, type.equals(NTRIPLES) ? Lang.NTRIPLES : Lang.TURTLE);
                        }
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
            }
            case "PUT", "POST" -> {
                String contentType = ex.getRequestHeaders().getFirst("Content-Type");
                Lang lang = contentType == null ? null : RDFLanguages.contentTypeToLang(contentType.split(";")[0].trim());
                if (lang == null || !(lang.equals(Lang.NTRIPLES) || lang.equals(Lang.TURTLE))) {
                    throw new HttpError(415, "Graph Store Protocol: send N-Triples or Turtle, not " + contentType);
                }
                byte[] body = ex.getRequestBody().readAllBytes();
                // one write transaction: replace (PUT) or add to (POST) the graph; a syntax error
                // aborts it and leaves the graph as it was. Each request is parsed on its own, so
                // its blank node labels are its own (as in Fuseki).
                boolean created = Txn.calculateWrite(dsg, () -> {
                    boolean existed = graph == null || dsg.containsGraph(graph);
                    Graph target = graph == null ? dsg.getDefaultGraph() : dsg.getGraph(graph);
                    if (method.equals("PUT")) {
                        target.clear();
                    }
                    try {
                        RDFParser.source(new ByteArrayInputStream(body)).lang(lang).parse(StreamRDFLib.graph(target));
                    } catch (RiotException e) {
                        throw new HttpError(400, "Parse error: " + e.getMessage());
                    }
                    return !existed;
                });
                send(ex, created ? 201 : 204, null, null);
            }
            case "DELETE" -> {
                boolean existed = Txn.calculateWrite(dsg, () -> {
                    if (graph == null) {
                        dsg.getDefaultGraph().clear();
                        return true;
                    }
                    boolean present = dsg.containsGraph(graph);
                    dsg.removeGraph(graph);
                    return present;
                });
                if (!existed) {
                    throw new HttpError(404, "No such graph: <" + graph.getURI() + ">");
                }
                send(ex, 204, null, null);
            }
            default -> throw new HttpError(405, "Graph Store Protocol: method " + method + " not supported");
        }
    }

    // -- HTTP helpers --------------------------------------------------------------------------------
    /** The request's parameters: the URL's, plus a form body, plus a direct body of ``directType``
     * (application/sparql-query or -update) as parameter ``directName``. */
    static Map<String, List<String>> parameters(HttpExchange ex, String directType, String directName) throws IOException {
        Map<String, List<String>> params = decode(ex.getRequestURI().getRawQuery());
        String method = ex.getRequestMethod();
        if (method.equals("POST")) {
            String contentType = ex.getRequestHeaders().getFirst("Content-Type");
            String mediaType = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase();
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (mediaType.equals("application/x-www-form-urlencoded")) {
                decode(body).forEach((k, v) -> params.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
            } else if (mediaType.equals(directType)) {
                params.computeIfAbsent(directName, x -> new ArrayList<>()).add(body);
            } else {
                throw new HttpError(415, "Unsupported content type: " + contentType);
            }
        } else if (!method.equals("GET") || directName.equals("update")) {
            throw new HttpError(405, "Method " + method + " not allowed here");
        }
        return params;
    }

    static Map<String, List<String>> decode(String encoded) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return params;
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return params;
    }

    static String single(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        if (values == null || values.size() != 1) {
            throw new HttpError(400, "Give exactly one '" + name + "' parameter");
        }
        return values.get(0);
    }

    /** The offered media type the Accept header likes best (q-values, type/* and *&#47;*; for a
     * wildcard, the first offer it matches: callers list their default first). The default, too,
     * when the header names none of the offers (Fuseki answers in its default then). */
    static String negotiate(String accept, List<String> offers) {
        String best = offers.get(0);
        if (accept == null || accept.isBlank()) {
            return best;
        }
        double bestQ = 0;
        for (String part : accept.split(",")) {
            String[] pieces = part.trim().split(";");
            String range = pieces[0].trim().toLowerCase();
            double q = 1.0;
            for (int i = 1; i < pieces.length; i++) {
                String p = pieces[i].trim();
                if (p.startsWith("q=")) {
                    try {
                        q = Double.parseDouble(p.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            if (range.equals("application/json")) {
                range = JSON;  // what people mean by it for results
            }
            for (String offer : offers) {
                boolean matches = range.equals(offer) || range.equals("*/*")
                    || (range.endsWith("/*") && offer.startsWith(range.substring(0, range.length() - 1)));
                if (matches && q > bestQ) {
                    best = offer;
                    bestQ = q;
                    break;
                }
            }
        }
        return best;
    }

    /** Sends the headers of a 200 answer of ``type`` (chunked) and returns the body stream. */
    static OutputStream start(HttpExchange ex, String type) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        ex.sendResponseHeaders(200, ex.getRequestMethod().equals("HEAD") ? -1 : 0);
        return ex.getResponseBody();
    }

    static void send(HttpExchange ex, int status, String type, String text) throws IOException {
        byte[] body = text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
        if (type != null) {
            ex.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        }
        try {
            ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException e) {
            // the headers of a streamed answer were already sent: nothing more to say to the client
        }
    }

    /** Every answer says what it is (normgraph picks its dialect from this header). */
    static final class ServerHeader extends Filter {
        @Override
        public void doFilter(HttpExchange ex, Chain chain) throws IOException {
            ex.getResponseHeaders().set("Server", SERVER);
            chain.doFilter(ex);
        }

        @Override
        public String description() {
            return "Server header";
        }
    }

    /** HTTP basic authentication for the write endpoints when --user is given (Fuseki: --passwd). */
    static final class BasicAuth extends Filter {
        final byte[] expected;

        BasicAuth(String user, String password) {
            this.expected = user == null ? null
                : ("Basic " + Base64.getEncoder().encodeToString((user + ":" + (password == null ? "" : password))
                    .getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void doFilter(HttpExchange ex, Chain chain) throws IOException {
            String given = ex.getRequestHeaders().getFirst("Authorization");
            if (expected != null && (given == null || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8)))) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"normgraph-test-jena\"");
                send(ex, 401, "text/plain", "Unauthorized\n");
                ex.close();
                return;
            }
            chain.doFilter(ex);
        }

        @Override
        public String description() {
            return "HTTP basic authentication";
        }
    }
}
