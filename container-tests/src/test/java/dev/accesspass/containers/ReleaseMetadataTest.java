package dev.accesspass.containers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.junit.jupiter.api.Test;

/**
 * What a release needs that no compiler checks: the BOM (which has no parent, so its version is written out) is at
 * this build's version and lists every published module, and the licence is where the POMs say it is.
 */
class ReleaseMetadataTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    @Test
    void theBomHasThisBuildsVersionAndEveryPublishedModule() throws Exception {
        Document bom = parse(ROOT.resolve("bom/pom.xml"));
        Element project = bom.getDocumentElement();
        assertThat(child(project, "version").getTextContent()).isEqualTo(System.getProperty("project.version"));
        assertThat(child(project, "parent")).as("an imported BOM must not bring a parent's versions").isNull();
        List<String> managed = new ArrayList<>();
        NodeList dependencies = bom.getElementsByTagName("dependency");
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            assertThat(child(dependency, "groupId").getTextContent()).isEqualTo("dev.accesspass");
            assertThat(child(dependency, "version").getTextContent()).isEqualTo("${project.version}");
            managed.add(child(dependency, "artifactId").getTextContent());
        }
        assertThat(managed).contains("accesspass-core", "accesspass-filter", "accesspass-jdbi-store");
    }

    @Test
    void theParentDeclaresTheApacheLicenceThatShipsInTheRepository() throws Exception {
        Element project = parse(ROOT.resolve("pom.xml")).getDocumentElement();
        Element license = child(child(project, "licenses"), "license");
        assertThat(child(license, "name").getTextContent()).isEqualTo("Apache-2.0");
        assertThat(child(project, "scm")).isNotNull();
        assertThat(child(project, "url")).isNotNull();
        assertThat(child(project, "developers")).isNotNull();
        assertThat(Files.readString(ROOT.resolve("LICENSE"))).contains("Apache License", "Version 2.0, January 2004");
        assertThat(ROOT.resolve("NOTICE")).exists();
    }

    private static Document parse(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(file.toFile());
    }

    /** The first direct child element named {@code name}, or null. */
    private static Element child(Element parent, String name) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(name)) {
                return element;
            }
        }
        return null;
    }
}
