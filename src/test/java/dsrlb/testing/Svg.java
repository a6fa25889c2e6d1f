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
import org.w3c.dom.NodeList;

/**
 * An SVG chart read back as XML, as a browser would get it: parsing fails on a document that
 * is not well-formed. What the tests ask of a chart: its texts (title, axis labels, legend)
 * and its series lines, the thick paths ({@code dsrlb.plot.SvgCharts.SERIES_WIDTH}) of more
 * than one segment (a legend's sample line is one segment).
 */
public final class Svg {
    private static final Pattern POINT = Pattern.compile("[ML](-?[0-9.]+),(-?[0-9.]+)");

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

    /** Each series line: its stroke colour to its points (pixels), in document order. */
    public Map<String, List<double[]>> seriesLines(float width) {
        Map<String, List<double[]>> lines = new LinkedHashMap<>();
        NodeList n = document.getElementsByTagNameNS("*", "path");
        for (int i = 0; i < n.getLength(); i++) {
            Element path = (Element) n.item(i);
            if (!(path.getParentNode() instanceof Element g)) {
                continue;
            }
            String style = g.getAttribute("style");
            if (!style.contains("stroke-width:" + width + ";")) {
                continue;
            }
            List<double[]> points = new ArrayList<>();
            Matcher m = POINT.matcher(path.getAttribute("d"));
            while (m.find()) {
                points.add(new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))});
            }
            if (points.size() > 2) {
                Matcher c = Pattern.compile("stroke:(rgb\\([^)]*\\))").matcher(style);
                String colour = c.find() ? c.group(1) : "?";
                if (lines.put(colour, points) != null) {
                    throw new AssertionError("two lines of colour " + colour);
                }
            }
        }
        return lines;
    }
}
