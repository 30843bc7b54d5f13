"""Every sentence, heading and label of the assessment report, in English and Spanish.

Portuguese and French are prepared: a language listed in LANGUAGES falls back to English for a
message it does not have yet, and a test checks that English and Spanish have every message.
"""

from __future__ import annotations

from ..economics.montecarlo import DISTRIBUTIONS
from ..labels import CATEGORY_METHODS, FX_STATUSES, KINDS

__all__ = ["LANGUAGES", "MESSAGES", "REPORT_LANGUAGES", "t"]

LANGUAGES = ("en", "es", "pt", "fr")
REPORT_LANGUAGES = ("en", "es")

MESSAGES: dict[str, dict[str, str]] = {
    "title": {
        "en": "Best value and human rights in public procurement: country assessment",
        "es": "Mejor valor y derechos humanos en la contratación pública: evaluación del país",
    },
    "subtitle": {
        "en": "{country} · data: {publisher} · generated {date} by bestvalue {version}",
        "es": "{country} · datos: {publisher} · generado el {date} por bestvalue {version}",
    },
    "summary": {"en": "Summary", "es": "Resumen"},
    "summary_text": {
        "en": "Of USD {total} of classified spend in {processes} processes, these {n} categories "
        "are where action on responsible business conduct matters most:",
        "es": "De USD {total} de gasto clasificado en {processes} procesos, estas {n} categorías "
        "son donde más importa actuar en conducta empresarial responsable:",
    },
    "no_priorities": {
        "en": "No category has enough risk evidence to be ranked; see the coverage section.",
        "es": "Ninguna categoría tiene evidencia de riesgo suficiente para ordenarla; vea la "
        "sección de cobertura.",
    },
    "coverage": {"en": "Data coverage and quality", "es": "Cobertura y calidad de los datos"},
    "files_loaded": {
        "en": "{files} files read, {processes} contracting processes compiled, {rejects} "
        "documents not loaded (listed below).",
        "es": "{files} archivos leídos, {processes} procesos de contratación compilados, "
        "{rejects} documentos no cargados (listados abajo).",
    },
    "classified_share": {"en": "How spend was classified", "es": "Cómo se clasificó el gasto"},
    "method": {"en": "Method", "es": "Método"},
    **{f"method_{code}": said for code, said in CATEGORY_METHODS.items()},
    "unconverted": {
        "en": "Amounts not converted to USD",
        "es": "Montos no convertidos a USD",
    },
    "unconverted_none": {
        "en": "Every amount was converted.",
        "es": "Todos los montos se convirtieron.",
    },
    "reason": {"en": "Reason", "es": "Motivo"},
    **{f"status_{code}": said for code, said in FX_STATUSES.items()},
    "currency": {"en": "Currency", "es": "Moneda"},
    "year": {"en": "Year", "es": "Año"},
    "amount": {"en": "Amount", "es": "Monto"},
    "lines": {"en": "Lines", "es": "Líneas"},
    "rejects": {"en": "Documents not loaded", "es": "Documentos no cargados"},
    "rejects_none": {
        "en": "Every document was loaded.",
        "es": "Se cargaron todos los documentos.",
    },
    "file": {"en": "File", "es": "Archivo"},
    "where": {"en": "Where", "es": "Dónde"},
    "spend": {"en": "Where the money goes", "es": "A dónde va el dinero"},
    "spend_text": {
        "en": "Actual spend (contracts, else awards), allocated to UNSPSC families through the "
        "items, in USD at each year's average rate. A and B classes hold 80% and 95% of spend.",
        "es": "Gasto efectivo (contratos o, en su defecto, adjudicaciones), asignado a familias "
        "UNSPSC a través de los ítems, en USD al tipo de cambio medio de cada año. Las clases A "
        "y B reúnen el 80 % y el 95 % del gasto.",
    },
    "category": {"en": "Category", "es": "Categoría"},
    "amount_usd": {"en": "Spend (USD)", "es": "Gasto (USD)"},
    "share": {"en": "Share", "es": "Proporción"},
    "cumulative": {"en": "Cumulative", "es": "Acumulado"},
    "processes": {"en": "Processes", "es": "Procesos"},
    "suppliers": {"en": "Suppliers", "es": "Proveedores"},
    "abc": {"en": "Class", "es": "Clase"},
    "risk": {"en": "Where the risks are", "es": "Dónde están los riesgos"},
    "risk_text": {
        "en": "Salient risk (0-1) of each category against its spend, and the salient risk on "
        "each dimension (0-3; blank where there is no evidence: missing, not low).",
        "es": "Riesgo saliente (0-1) de cada categoría frente a su gasto, y riesgo saliente en "
        "cada dimensión (0-3; en blanco donde no hay evidencia: falta, no es bajo).",
    },
    "priorities": {
        "en": "Categories to act on first",
        "es": "Categorías en las que actuar primero",
    },
    "rank": {"en": "Rank", "es": "Rango"},
    "score": {"en": "Score", "es": "Puntaje"},
    "band": {"en": "Rank band (5-95%)", "es": "Banda de rango (5-95 %)"},
    "p_top": {"en": "Chance of top {top}", "es": "Probabilidad de estar entre los {top} primeros"},
    "salient_risks": {"en": "Salient risks and evidence", "es": "Riesgos salientes y evidencia"},
    "dimension": {"en": "Dimension", "es": "Dimensión"},
    "inherent": {"en": "Inherent (0-3)", "es": "Inherente (0-3)"},
    "saliency": {"en": "Saliency (0-3)", "es": "Saliencia (0-3)"},
    "evidence": {"en": "Evidence", "es": "Evidencia"},
    "missing": KINDS["missing"],
    "value_chain": {"en": "Value chain", "es": "Cadena de valor"},
    "next_steps": {"en": "Recommended next steps", "es": "Próximos pasos recomendados"},
    "step_forced_labour": {
        "en": "Ask bidders to map the origin of {goods} and to show forced-labour due diligence "
        "at selection; include a remediation clause in the contract.",
        "es": "Pida a los licitantes que mapeen el origen de {goods} y demuestren debida "
        "diligencia sobre trabajo forzoso en la selección; incluya una cláusula de remediación "
        "en el contrato.",
    },
    "step_child_labour": {
        "en": "Require a child-labour policy and age verification down the chain of {goods}; "
        "plan audits for high-risk origins.",
        "es": "Exija una política contra el trabajo infantil y verificación de edad en la "
        "cadena de {goods}; planifique auditorías para los orígenes de alto riesgo.",
    },
    "step_health_safety": {
        "en": "Set health and safety performance conditions (plans, training, incident "
        "reporting) and check them during the contract.",
        "es": "Establezca condiciones de ejecución en salud y seguridad (planes, capacitación, "
        "reporte de incidentes) y verifíquelas durante el contrato.",
    },
    "step_working_conditions": {
        "en": "Require payment of at least the legal minimum wage and overtime, and verify "
        "payroll records of the workers on the contract.",
        "es": "Exija el pago de al menos el salario mínimo legal y las horas extra, y verifique "
        "las planillas de los trabajadores del contrato.",
    },
    "step_corruption_ethics": {
        "en": "Publish every stage in OCDS, require beneficial-ownership and conflict-of-"
        "interest declarations, and monitor contract changes.",
        "es": "Publique cada etapa en OCDS, exija declaraciones de beneficiario final y de "
        "conflicto de interés, y supervise las modificaciones del contrato.",
    },
    "step_environment": {
        "en": "Use life-cycle cost and environmental award criteria; require take-back or "
        "end-of-life management where it applies.",
        "es": "Use el costo del ciclo de vida y criterios ambientales de adjudicación; exija "
        "recuperación o gestión al final de la vida útil cuando corresponda.",
    },
    "step_communities_land": {
        "en": "Require consultation of affected communities and a grievance channel they can use.",
        "es": "Exija la consulta a las comunidades afectadas y un mecanismo de quejas que "
        "puedan usar.",
    },
    "step_default": {
        "en": "Engage the market on the category's risks and include supply-chain transparency "
        "in the selection criteria.",
        "es": "Dialogue con el mercado sobre los riesgos de la categoría e incluya la "
        "transparencia de la cadena de suministro en los criterios de selección.",
    },
    "economics": {"en": "The economic case", "es": "El caso económico"},
    "econ_text": {
        "en": "Net present saving of incorporating responsible business conduct ({currency}): "
        "P10 {p10} · P50 {p50} · P90 {p90}; probability that it saves money: {p}. Positive values "
        "are savings. {draws} draws, reproducible with the same seed.",
        "es": "Ahorro neto en valor presente de incorporar la conducta empresarial responsable "
        "({currency}): P10 {p10} · P50 {p50} · P90 {p90}; probabilidad de que ahorre dinero: {p}. "
        "Los valores positivos son ahorros. {draws} extracciones, reproducibles con la misma "
        "semilla.",
    },
    "econ_axis": {
        "en": "Net saving of RBC ({currency}, present value)",
        "es": "Ahorro neto de la CER ({currency}, valor presente)",
    },
    "econ_draws": {"en": "Draws", "es": "Extracciones"},
    "econ_expected": {
        "en": "Expected present values: due-diligence cost {dd}; incident costs avoided {avoided}; "
        "social value {social}.",
        "es": "Valores presentes esperados: costo de la debida diligencia {dd}; costos de "
        "incidentes evitados {avoided}; valor social {social}.",
    },
    "econ_value_source": {
        "en": "assumption: the category's spend in the data (USD {amount}) taken as one contract "
        "of {years} years; give a parameters file with --economics to use the contract's value",
        "es": "supuesto: el gasto de la categoría en los datos (USD {amount}) tomado como un "
        "contrato de {years} años; indique un archivo de parámetros con --economics para usar "
        "el valor del contrato",
    },
    "econ_defaults_note": {
        "en": "Inputs marked 'assumption' have no measured value behind them: they are wide "
        "ranges for the agency to replace with its own evidence (bestvalue economics CATEGORY "
        "--country XX --template writes them to a file).",
        "es": "Las variables marcadas como 'supuesto' no tienen un valor medido que las respalde: "
        "son rangos amplios que la agencia debe reemplazar con su propia evidencia (bestvalue "
        "economics CATEGORÍA --country XX --template las escribe en un archivo).",
    },
    "kind": {"en": "Basis", "es": "Base"},
    **{f"dist_{name}": said for name, (_, said) in DISTRIBUTIONS.items()},
    "kind_evidence": KINDS["evidence"],
    "kind_assumption": KINDS["assumption"],
    "kind_given": KINDS["given"],
    "econ_sensitivity": {
        "en": "What moves the result most (P10 to P90 of each input)",
        "es": "Lo que más mueve el resultado (P10 a P90 de cada variable)",
    },
    "econ_assumptions": {"en": "Inputs and their sources", "es": "Variables y sus fuentes"},
    "parameter": {"en": "Input", "es": "Variable"},
    "distribution": {"en": "Distribution", "es": "Distribución"},
    "values": {"en": "Values", "es": "Valores"},
    "source": {"en": "Source", "es": "Fuente"},
    "swing": {"en": "Swing", "es": "Variación"},
    "methods": {"en": "Methods and sources", "es": "Métodos y fuentes"},
    "methods_text": {
        "en": "Spend basis, allocation, conversion, classification, risk scoring and "
        "prioritisation follow the rules in the bestvalue README. Every dataset used:",
        "es": "La base de gasto, la asignación, la conversión, la clasificación, la puntuación "
        "de riesgo y la priorización siguen las reglas del README de bestvalue. Todos los "
        "conjuntos de datos usados:",
    },
    "dataset": {"en": "Dataset", "es": "Conjunto de datos"},
    "edition": {"en": "Edition", "es": "Edición"},
    "licence": {"en": "Licence", "es": "Licencia"},
    "address": {"en": "Address", "es": "Dirección"},
    "assumption_note": {
        "en": "Rows marked as assumptions are bestvalue's curation: review them and replace "
        "them with your own files.",
        "es": "Las filas marcadas como supuestos son curaduría de bestvalue: revíselas y "
        "reemplácelas con sus propios archivos.",
    },
    "weights": {"en": "Weights used", "es": "Ponderaciones usadas"},
    "criterion": {"en": "Criterion", "es": "Criterio"},
    "weight": {"en": "Weight", "es": "Ponderación"},
    "crit_spend": {"en": "Spend (quintile)", "es": "Gasto (quintil)"},
    "crit_risk": {"en": "Salient risk", "es": "Riesgo saliente"},
    "crit_leverage": {"en": "Leverage (spend per process)", "es": "Influencia (gasto por proceso)"},
    "crit_scope": {"en": "Scope to improve", "es": "Margen de mejora"},
    "uncertainty": {
        "en": "Monte Carlo over the weights: {draws} draws, concentration {k}.",
        "es": "Monte Carlo sobre las ponderaciones: {draws} extracciones, concentración {k}.",
    },
    "attribution": {
        "en": "Procurement data: {attribution}.",
        "es": "Datos de contratación: {attribution}.",
    },
    "contents": {"en": "Contents", "es": "Contenido"},
}


def t(key: str, lang: str, **values: object) -> str:
    """The message in ``lang`` (English when that language lacks it), filled in."""
    entry = MESSAGES[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text
