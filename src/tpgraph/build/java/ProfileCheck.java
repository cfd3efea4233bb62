/*
 * OWL 2 DL profile check for tpgraph.
 *
 * Runs the OWL 2 DL profile checker of the OWL API 3.x that is bundled in
 * owlready2's HermiT.jar, so no extra Java dependency has to be downloaded.
 *
 * Usage (Java 11+ single-file source launch, needs a JDK):
 *     java -cp HermiT.jar ProfileCheck.java ONTOLOGY_FILE
 *
 * Output: one violation per line on stdout (the violation's toString with
 * line breaks collapsed, sorted for a stable order).
 * Exit status: 0 = in OWL 2 DL, 1 = violations found,
 *              2 = usage error, the file could not be loaded/parsed, or
 *                  the check itself failed (message on stderr).
 * Note that the JVM also exits with 1 when it cannot start or compile this
 * file; callers should treat "1 with no output on stdout" as an error.
 *
 * Imports are followed; an import that cannot be loaded is reported on
 * stderr and otherwise ignored (its entities then show up as undeclared).
 */

import java.io.File;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.PrintStream;
import java.io.UnsupportedEncodingException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.io.FileDocumentSource;
import org.semanticweb.owlapi.io.UnparsableOntologyException;
import org.semanticweb.owlapi.model.MissingImportEvent;
import org.semanticweb.owlapi.model.MissingImportHandlingStrategy;
import org.semanticweb.owlapi.model.MissingImportListener;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyLoaderConfiguration;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class ProfileCheck {

    static final int EXIT_OK = 0;
    static final int EXIT_VIOLATIONS = 1;
    static final int EXIT_ERROR = 2;

    public static void main(String[] args) throws UnsupportedEncodingException {
        // Fixed UTF-8 output, independent of the platform default/locale,
        // so the Python side can always decode it the same way.
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "UTF-8");
        final PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, "UTF-8");

        if (args.length != 1) {
            err.println("usage: java -cp HermiT.jar ProfileCheck.java ONTOLOGY_FILE");
            System.exit(EXIT_ERROR);
        }
        File file = new File(args[0]);
        if (!file.isFile()) {
            err.println("not a readable file: " + args[0]);
            System.exit(EXIT_ERROR);
        }

        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        manager.addMissingImportListener(new MissingImportListener() {
            public void importMissing(MissingImportEvent event) {
                err.println("warning: could not load import " + event.getImportedOntologyURI()
                        + ": " + oneLine(String.valueOf(event.getCreationException())));
            }
        });
        OWLOntologyLoaderConfiguration config = new OWLOntologyLoaderConfiguration()
                .setMissingImportHandlingStrategy(MissingImportHandlingStrategy.SILENT);

        // Keep the per-parser failure report short: no stack traces.
        UnparsableOntologyException.setIncludeStackTraceInMessage(false);
        OWLOntology ontology;
        try {
            ontology = manager.loadOntologyFromOntologyDocument(new FileDocumentSource(file), config);
        } catch (UnparsableOntologyException e) {
            // The message lists, for every parser the OWL API tried, why it
            // failed -- the Turtle or RDF/XML entry has the useful line number.
            err.println("could not parse " + args[0] + ": " + e.getMessage());
            System.exit(EXIT_ERROR);
            return;
        } catch (Throwable e) {
            err.println("could not load " + args[0] + ": " + e);
            System.exit(EXIT_ERROR);
            return;
        }

        List<String> lines = new ArrayList<String>();
        try {
            OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
            for (OWLProfileViolation violation : report.getViolations()) {
                lines.add(oneLine(violation.toString()));
            }
        } catch (Throwable t) {
            // Never let a crash look like exit status 1 ("violations found"),
            // which is also what the JVM uses for an uncaught exception.
            err.println("profile check failed on " + args[0] + ": " + t);
            System.exit(EXIT_ERROR);
            return;
        }
        Collections.sort(lines);
        for (String line : lines) {
            out.println(line);
        }
        out.flush();
        System.exit(lines.isEmpty() ? EXIT_OK : EXIT_VIOLATIONS);
    }

    /**
     * Collapse every line break (any Unicode one, e.g. inside a multi-line
     * literal of the offending axiom) plus surrounding blanks to one space,
     * so that one violation is exactly one output line.
     */
    static String oneLine(String s) {
        return s.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
