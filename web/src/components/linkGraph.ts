// The linked-accounts graph (cytoscape, canvas): one node per account of the group, one edge per
// link the linker found, drawn thicker the stronger its evidence. Selecting an edge (or its row
// in the table beside it, for keyboard users) shows that link's evidence.

export interface Link {
  a: string;
  b: string;
  weight: number;
  probability: number;
  evidence: {
    identifier_rule?: string;
    address_counted_once?: boolean;
    prior_weight?: number;
    evidence: { comparison: string; level: string; weight: number }[];
  };
}

export async function drawLinkGraph(
  container: HTMLElement,
  self: string,
  members: string[],
  links: Link[],
  onSelect: (l: Link) => void,
  onOpen: (id: string) => void,
): Promise<number> {
  const { default: cytoscape } = await import("cytoscape");
  // Cytoscape injects a <style> element unless an element with its id exists; the console's CSP
  // forbids inline styles, so style.css carries the rule it would add and a placeholder claims
  // the id.
  if (!document.getElementById("__________cytoscape_stylesheet")) {
    const placeholder = document.createElement("template");
    placeholder.id = "__________cytoscape_stylesheet";
    document.head.appendChild(placeholder);
  }
  const ids = Array.from(new Set([self, ...members, ...links.flatMap((l) => [l.a, l.b])]));
  const strongest = (l: Link) =>
    l.evidence.identifier_rule ||
    l.evidence.evidence
      .filter((e) => e.weight > 0)
      .sort((x, y) => y.weight - x.weight)
      .slice(0, 2)
      .map((e) => e.comparison.replace(/_/g, " "))
      .join(" + ");
  const cy = cytoscape({
    container,
    elements: [
      ...ids.map((id) => ({ data: { id, label: id }, classes: id === self ? "self" : "" })),
      ...links.map((l, i) => ({
        data: {
          id: `e${i}`,
          source: l.a,
          target: l.b,
          label: strongest(l),
          width: Math.max(1.5, Math.min(8, l.weight / 5)),
        },
      })),
    ],
    style: [
      {
        selector: "node",
        style: {
          label: "data(label)",
          "font-size": 11,
          "background-color": "#5b7083",
          color: "#1d2733",
          "text-valign": "bottom",
          "text-margin-y": 4,
          width: 22,
          height: 22,
        },
      },
      { selector: "node.self", style: { "background-color": "#b3261e", width: 30, height: 30 } },
      {
        selector: "edge",
        style: {
          width: "data(width)",
          "line-color": "#8aa1b4",
          label: "data(label)",
          "font-size": 9,
          color: "#44505c",
          "text-background-color": "#ffffff",
          "text-background-opacity": 0.8,
          "curve-style": "bezier",
          "text-rotation": "autorotate",
        },
      },
      { selector: "edge:selected", style: { "line-color": "#1f6feb" } },
    ],
    // Groups are small and often fully connected: a circle reads best; larger ones get a
    // force-directed layout with room for the edge labels.
    layout:
      ids.length <= 12
        ? { name: "circle", animate: false, radius: 70 + 22 * ids.length, padding: 30 }
        : {
            name: "cose",
            animate: false,
            randomize: false,
            idealEdgeLength: () => 130,
            nodeRepulsion: () => 400000,
            padding: 30,
          },
    // Small groups would otherwise be zoomed in until the labels are huge.
    maxZoom: 1.2,
    minZoom: 0.2,
    wheelSensitivity: 0.2,
  } as any);
  cy.on("tap", "edge", (ev: any) => onSelect(links[Number(ev.target.id().slice(1))]));
  cy.on("tap", "node", (ev: any) => {
    const id = ev.target.id();
    if (id !== self) onOpen(id);
  });
  container.setAttribute("data-nodes", String(cy.nodes().length));
  container.setAttribute("data-edges", String(cy.edges().length));
  return cy.nodes().length;
}
