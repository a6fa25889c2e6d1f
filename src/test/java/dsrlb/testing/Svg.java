package dsrlb.testing;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * An SVG chart read back as XML, as a browser would get it: parsing fails on a document that
 * is not well-formed. What the tests ask of a chart: its texts (title, axis labels, legend)
 * and its series lines, the thick paths ({@code dsrlb.plot.SvgCharts.SERIES_WIDTH}) of more
 * than one segment (a legend's sample line is one segment; clip paths are not drawn, markers
 * are filled).
 */
public final class Svg {
    /** A path's move or line command: Batik writes {@code M52 436 L333.9 436}. */
    private static final Pattern POINT = Pattern.compile("[ML]\\s*(-?[0-9.]+)[\\s,]+(-?[0-9.]+)");

    public final Document document;

    private Svg(Document document) {
        this.document = document;
    }

    public static Svg parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        // The DOCTYPE names the W3C's DTD; no network in the lab, and not needed to parse.
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        if (!"svg".equals(d.getDocumentElement().getLocalName())
                || !"http://www.w3.org/2000/svg".equals(d.getDocumentElement().getNamespaceURI())) {
            throw new AssertionError(
                    "not an SVG document: " + d.getDocumentElement().getTagName());
        }
        return new Svg(d);
    }

    /** The content of every {@code <text>}, in document order. */
    public List<String> texts() {
        List<String> t = new ArrayList<>();
        NodeList n = document.getElementsByTagNameNS("*", "text");
        for (int i = 0; i < n.getLength(); i++) {
            t.add(n.item(i).getTextContent());
        }
        return t;
    }

    /**
     * Each series line: its stroke colour to its points (pixels), in document order. A path's
     * stroke and width are the nearest ones declared on it or an enclosing group (Batik puts
     * what paths share on their group and the rest on each path), as a browser resolves them.
     */
    public Map<String, List<double[]>> seriesLines(float width) {
        Map<String, List<double[]>> lines = new LinkedHashMap<>();
        NodeList n = document.getElementsByTagNameNS("*", "path");
        for (int i = 0; i < n.getLength(); i++) {
            Element path = (Element) n.item(i);
            if ("clipPath".equals(((Element) path.getParentNode()).getLocalName())) {
                continue;
            }
            // A line is stroked, not filled: a point's marker is a filled path of no stroke.
            String w = style(path, "stroke-width");
            String stroke = style(path, "stroke");
            if (w == null
                    || Float.parseFloat(w) != width
                    || stroke == null
                    || stroke.equals("none")
                    || !"none".equals(style(path, "fill"))) {
                continue;
            }
            List<double[]> points = new ArrayList<>();
            Matcher m = POINT.matcher(path.getAttribute("d"));
            while (m.find()) {
                points.add(new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))});
            }
            if (points.size() > 2) {
                if (lines.put(stroke, points) != null) {
                    throw new AssertionError("two lines of colour " + stroke);
                }
            }
        }
        return lines;
    }

    /** The value of a style property as it applies to {@code e}: its own, else its nearest ancestor's. */
    private static String style(Element e, String property) {
        for (Node at = e; at instanceof Element el; at = at.getParentNode()) {
            for (String declaration : el.getAttribute("style").split(";", -1)) {
                int colon = declaration.indexOf(':');
                if (colon > 0 && declaration.substring(0, colon).trim().equals(property)) {
                    return declaration.substring(colon + 1).trim();
                }
            }
        }
        return null;
    }
}
